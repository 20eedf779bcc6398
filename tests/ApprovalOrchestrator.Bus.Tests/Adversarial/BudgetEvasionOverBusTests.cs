using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Bus.Tests.Adversarial;

/// <summary>A server with the fake Gateway, the <c>bus-budgeted</c> definition choosable, and a clock the tests step to a fresh minute.</summary>
public sealed class BudgetBusFixture : BusFixture
{
    public const string Workflow = "bus-budgeted";

    internal MinuteClock ServerClock { get; } = new();

    protected override bool WithGateway => true;

    protected override IReadOnlyList<string> ServerArgs => [$"--Workflows:AllowChoice:0={Workflow}"];

    protected override TimeProvider? Clock => ServerClock;
}

/// <summary>
/// An agent over its budget trying to get more executed over the real broker instead of HTTP. Budgets are counted and
/// decided in the classify step, which bus and HTTP intake share, so each attempt gets the budget's route — people
/// (<c>require-approval</c>) or <c>rejected</c> (<c>reject</c>) — and the Gateway never receives the call. Each test has
/// an agent of its own (tests/ApprovalOrchestrator.Bus.Tests/Workflows/bus-budgeted.yaml) and starts at a fresh minute.
/// </summary>
public sealed class BudgetEvasionOverBusTests(BudgetBusFixture fixture) : IClassFixture<BudgetBusFixture>
{
    private const string Green = "Summarize our AI governance policy for internal use.";
    private const string AwaitingApproval = "awaiting-approval";

    [Fact]
    public async Task Publishing_over_the_bus_once_over_the_per_minute_limit_is_sent_to_people_not_executed()
    {
        fixture.ServerClock.ToNextMinute();
        var first = await OutcomeAsync(await PublishAsync(Submit("bus-over")));
        Assert.Equal("executed", first.Status);

        var over = new List<Outcome>();
        for (var i = 0; i < 3; i++)
        {
            over.Add(await OutcomeAsync(await PublishAsync(Submit("bus-over"))));
        }

        Assert.All(over, o => Assert.Equal(AwaitingApproval, o.Status));
        Assert.All(over, o => Assert.Contains("agent bus-over over requestsPerMinute", o.Reason));
        Assert.All(fixture.Integrator.Messages<ApprovalRequested>(a => over.Any(o => o.InstanceId == a.InstanceId)), a => Assert.Equal("team-leads", a.Group));
        AssertSentOnlyFor([first], over);
        Assert.Equal(4, await RequestsCountedAsync("bus-over"));
    }

    [Fact]
    public async Task A_burst_of_bus_messages_with_distinct_request_ids_cannot_squeeze_past_the_last_unit()
    {
        fixture.ServerClock.ToNextMinute();
        var burst = Enumerable.Range(0, 12).Select(_ => Submit("bus-burst")).ToList();
        await Task.WhenAll(burst.Select(PublishAsync));
        var outcomes = await Task.WhenAll(burst.Select(m => OutcomeAsync(m.RequestId)));

        // The limit is 3: the intake consumers run in parallel, but each count and decision is one transaction.
        var executed = outcomes.Where(o => o.Status == "executed").ToList();
        Assert.Equal(3, executed.Count);
        Assert.Equal(9, outcomes.Count(o => o.Status == AwaitingApproval));
        AssertSentOnlyFor(executed, outcomes.Except(executed));
        Assert.Equal(12, await RequestsCountedAsync("bus-burst"));
    }

    [Fact]
    public async Task Mixing_http_and_bus_submissions_shares_one_counter_and_the_excess_is_rejected()
    {
        fixture.ServerClock.ToNextMinute();
        using var http = SubmitterClient();
        var overHttp = Enumerable.Range(0, 6).Select(_ => Submit("bus-mixed")).ToList();
        var overBus = Enumerable.Range(0, 6).Select(_ => Submit("bus-mixed")).ToList();
        await Task.WhenAll(overHttp.Select(m => PostAsync(http, m)).Concat(overBus.Select(PublishAsync)));
        var outcomes = await Task.WhenAll(overHttp.Concat(overBus).Select(m => OutcomeAsync(m.RequestId)));

        // The limit is 4 in all, not 4 per intake.
        var executed = outcomes.Where(o => o.Status == "executed").ToList();
        Assert.Equal(4, executed.Count);
        var rejected = outcomes.Where(o => o.Status == "rejected").ToList();
        Assert.Equal(8, rejected.Count);
        Assert.All(rejected, o => Assert.Contains("Rejected by the agent's budget: agent bus-mixed over requestsPerMinute", o.Reason));
        AssertSentOnlyFor(executed, rejected);
        Assert.Equal(12, await RequestsCountedAsync("bus-mixed"));
    }

    [Fact]
    public async Task Republishing_one_request_id_over_the_bus_and_http_neither_counts_again_nor_runs_again()
    {
        fixture.ServerClock.ToNextMinute();
        using var http = SubmitterClient();
        var once = Submit("bus-replay");
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PublishAsync(once)).Append(PostAsync(http, once, HttpStatusCode.Accepted, HttpStatusCode.OK)));
        var replayed = await OutcomeAsync(once.RequestId);
        Assert.Equal("executed", replayed.Status);
        Assert.Equal(1, await RequestsCountedAsync("bus-replay"));

        // The limit of 2 still has room for exactly one more: the replays did not use it up.
        var second = await OutcomeAsync(await PublishAsync(Submit("bus-replay")));
        var third = await OutcomeAsync(await PublishAsync(Submit("bus-replay")));
        Assert.Equal(("executed", AwaitingApproval), (second.Status, third.Status));
        Assert.Single(fixture.Integrator.Messages<AgentRequestCompleted>(c => c.RequestId == once.RequestId));
        AssertSentOnlyFor([replayed, second], [third]);
        Assert.Single(SessionKeysSent(), k => k == SessionKey(replayed.InstanceId));
    }

    [Fact]
    public async Task Tool_calls_published_over_the_bus_past_the_days_tool_budget_are_rejected_before_any_call()
    {
        fixture.ServerClock.ToNextMinute();
        var first = await OutcomeAsync(await PublishAsync(Submit("bus-tools", ListSessions())));
        Assert.Equal("executed", first.Status);

        // Over once the day's count has reached the limit: the first call started (and was counted) before these arrive.
        var burst = Enumerable.Range(0, 4).Select(_ => Submit("bus-tools", ListSessions())).ToList();
        await Task.WhenAll(burst.Select(PublishAsync));
        var outcomes = await Task.WhenAll(burst.Select(m => OutcomeAsync(m.RequestId)));

        Assert.All(outcomes, o => Assert.Equal("rejected", o.Status));
        Assert.All(outcomes, o => Assert.Contains("agent bus-tools over toolCallsPerDay: 1 of 1", o.Reason));
        AssertSentOnlyFor([first], outcomes);
        Assert.Single(fixture.Gateway!.RequestsTo(FakeGateway.ToolPath), r => ToolSessionKey(r) == SessionKey(first.InstanceId));
    }

    [Theory]
    [InlineData("BUS-RENAME")]
    [InlineData("bus-rename2")]
    [InlineData("bus_rename")]
    public async Task An_agent_over_its_limit_renaming_itself_on_the_bus_is_an_unknown_agent_sent_to_people_not_executed(string alias)
    {
        fixture.ServerClock.ToNextMinute();
        var own = await OutcomeAsync(await PublishAsync(Submit("bus-rename")));
        var over = await OutcomeAsync(await PublishAsync(Submit("bus-rename")));
        Assert.Equal(("executed", "rejected"), (own.Status, over.Status));

        var renamed = await OutcomeAsync(await PublishAsync(Submit(alias)));

        Assert.Equal(AwaitingApproval, renamed.Status);
        AssertSentOnlyFor([own], [over, renamed]);
    }

    [Theory]
    [InlineData("bus\u2010rename")] // a Unicode hyphen that looks like '-'
    [InlineData("bus-rename\u200b")] // a zero-width space after it
    [InlineData("bus-rename ")]
    public async Task An_agent_over_its_limit_spelling_its_id_with_lookalike_or_invisible_characters_is_refused_at_intake(string alias)
    {
        fixture.ServerClock.ToNextMinute();
        Assert.Equal("executed", (await OutcomeAsync(await PublishAsync(Submit("bus-rename")))).Status);

        var lookalike = Submit(alias);
        await PublishAsync(lookalike);
        var refused = await fixture.Integrator.WaitForAsync<AgentRequestRejected>(r => r.RequestId == lookalike.RequestId, "the look-alike agent id to be refused");

        Assert.Contains(refused.Errors, e => e.Field == "agentId");
        Assert.Empty(fixture.Integrator.Messages<AgentRequestAccepted>(a => a.RequestId == lookalike.RequestId));
    }

    [Fact]
    public async Task Leaving_the_budgeted_workflow_over_the_bus_is_sent_to_people_and_naming_an_unbound_one_is_refused()
    {
        fixture.ServerClock.ToNextMinute();
        Assert.Equal("executed", (await OutcomeAsync(await PublishAsync(Submit("bus-over")))).Status);

        // Without 'workflow' the default binding's definition applies, which does not know the agent: people decide.
        var unbudgeted = await OutcomeAsync(await PublishAsync(Submit("bus-over") with { Workflow = null }));
        Assert.Equal(AwaitingApproval, unbudgeted.Status);

        var unbound = Submit("bus-over") with { Workflow = "fast-escalation" };
        await PublishAsync(unbound);
        var refused = await fixture.Integrator.WaitForAsync<AgentRequestRejected>(r => r.RequestId == unbound.RequestId, "the unbound workflow choice to be refused");
        Assert.Contains(refused.Errors, e => e.Field == "workflow");
        Assert.Empty(fixture.Integrator.Messages<AgentRequestAccepted>(a => a.RequestId == unbound.RequestId));
        Assert.DoesNotContain(SessionKey(unbudgeted.InstanceId), SessionKeysSent());
    }

    private sealed record Outcome(Guid InstanceId, string Status, string? Reason);

    private static SubmitAgentRequest Submit(string agentId, RequestedTool? tool = null) =>
        new(Requests.NewId(agentId), Requests.Requester, agentId, Green, tool, BudgetBusFixture.Workflow);

    private static RequestedTool ListSessions() => new("sessions_list", null, new JsonObject());

    private async Task<string> PublishAsync(SubmitAgentRequest message)
    {
        await fixture.Integrator.PublishAsync(message);
        return message.RequestId;
    }

    private HttpClient SubmitterClient()
    {
        var client = new HttpClient { BaseAddress = fixture.Server.Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Server.Tokens.Issue(Requests.Requester, [], ["submitter"]));
        return client;
    }

    /// <summary>The same request as <c>POST /api/requests</c>, by the same requester.</summary>
    private static async Task PostAsync(HttpClient http, SubmitAgentRequest message, params HttpStatusCode[] expected)
    {
        var response = await http.PostAsJsonAsync(
            "/api/requests",
            new { requestId = message.RequestId, requester = message.Requester, agentId = message.AgentId, text = message.Text, workflow = message.Workflow },
            Broker.Ct);
        Assert.True(
            (expected.Length == 0 ? [HttpStatusCode.Accepted] : expected).Contains(response.StatusCode),
            $"POST /api/requests answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Broker.Ct)}");
    }

    /// <summary>Where the request ended up, from the orchestrator's own events: completed (executed, rejected) or waiting for people.</summary>
    private Task<Outcome> OutcomeAsync(string requestId) =>
        Eventually.GetAsync(
            () => Task.FromResult(
                fixture.Integrator.Messages<AgentRequestCompleted>(c => c.RequestId == requestId).Select(c => new Outcome(c.InstanceId, c.Status, c.Reason)).FirstOrDefault()
                ?? fixture.Integrator.Messages<ApprovalRequested>(a => a.RequestId == requestId).Select(a => new Outcome(a.InstanceId, AwaitingApproval, a.Reason)).FirstOrDefault()),
            $"{requestId} to execute, be rejected or wait for people");

    /// <summary>
    /// The Gateway received a call for each executed request and none for the others. Sound once they are all settled: a
    /// rejected request is final, and one waiting for people executes only after a decision no test makes.
    /// </summary>
    private void AssertSentOnlyFor(IEnumerable<Outcome> executed, IEnumerable<Outcome> others)
    {
        var sent = SessionKeysSent();
        Assert.All(executed, o => Assert.Contains(SessionKey(o.InstanceId), sent));
        Assert.All(others, o => Assert.DoesNotContain(SessionKey(o.InstanceId), sent));
    }

    /// <summary>Chat calls carry the session key as a header, tool invocations in the body.</summary>
    private List<string?> SessionKeysSent() =>
        fixture.Gateway!.Requests.Select(r => r.Header("x-openclaw-session-key") ?? ToolSessionKey(r)).ToList();

    private static string? ToolSessionKey(RecordedRequest request) =>
        request.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("sessionKey", out var key) ? key.GetString() : null;

    private static string SessionKey(Guid instanceId) => $"approval-{instanceId:N}";

    /// <summary>The agent's requests counted in the current minute (the one the test stepped to), as auditors see them.</summary>
    private async Task<long> RequestsCountedAsync(string agentId)
    {
        var counters = await fixture.Server.Http.GetFromJsonAsync<JsonElement>("/api/budgets", Broker.Ct);
        return counters.GetProperty("counters").EnumerateArray()
            .Where(c => c.GetProperty("agentId").GetString() == agentId && c.GetProperty("metric").GetString() == "requests")
            .Sum(c => c.GetProperty("value").GetInt64());
    }
}
