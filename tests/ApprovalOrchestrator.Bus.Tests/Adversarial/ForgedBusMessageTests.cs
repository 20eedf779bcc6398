using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Runtime.Messaging;
using Dapper;
using ApprovalOrchestrator.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Bus.Tests.Adversarial;

/// <summary>A server with one configured bridge, <c>chatops</c>, that may speak for security officers only.</summary>
public sealed class BridgeBusFixture : BusFixture
{
    public const string Bridge = "chatops";

    protected override bool WithGateway => false;

    protected override IReadOnlyList<string> ServerArgs => [$"--Bus:Bridges:{Bridge}:Groups:0=security-officers"];
}

/// <summary>
/// Forged decisions and internal messages over the real broker, as a client that can publish them (the broker's
/// permissions stop integrators first: <see cref="BrokerPermissionTests"/>; these show the orchestrator does not rely on
/// that alone). A decision counts only with a verified token (the approver's own, or a configured bridge's within its
/// groups), an action hash, and the same rules as HTTP; every refusal faults the message with the reason and is a
/// security event. A timer message counts only with the stored firing key and when due.
/// </summary>
public sealed class ForgedBusMessageTests(BridgeBusFixture fixture) : IClassFixture<BridgeBusFixture>
{
    private const string Lead = "lead-1";
    private static readonly string[] s_leads = ["team-leads"];

    [Fact]
    public async Task Decision_without_a_token_naming_any_approver_and_groups_is_refused()
    {
        var notice = await AmberTaskAsync();
        await RefusedAsync(notice, Decision(notice) with { BearerToken = null }, "no bearer token");
    }

    [Fact]
    public async Task Decision_with_another_users_token_is_refused()
    {
        var notice = await AmberTaskAsync();
        await RefusedAsync(notice, Decision(notice) with { BearerToken = fixture.Server.ApproverToken("lead-2", s_leads) }, "but the token is lead-2's");
    }

    [Fact]
    public async Task Decision_whose_token_lacks_the_group_is_refused_even_if_the_message_claims_it()
    {
        var notice = await AmberTaskAsync();
        var forged = Decision(notice) with { ApproverGroups = s_leads, BearerToken = fixture.Server.ApproverToken(Lead, "marketing") };
        await RefusedAsync(notice, forged, "team-leads");
    }

    [Fact]
    public async Task Decision_without_an_action_hash_is_refused()
    {
        var notice = await AmberTaskAsync();
        await RefusedAsync(notice, Decision(notice) with { ActionHash = null }, "actionHash: is required");
    }

    [Fact]
    public async Task Reject_without_a_comment_is_refused_as_over_http()
    {
        var notice = await AmberTaskAsync();
        await RefusedAsync(notice, Decision(notice) with { Decision = "reject", Comment = "  " }, "comment: is required to reject");
    }

    [Fact]
    public async Task Requester_approving_their_own_request_with_their_own_token_is_refused()
    {
        var notice = await AmberTaskAsync();
        var own = Decision(notice) with { Approver = Requests.Requester, BearerToken = fixture.Server.ApproverToken(Requests.Requester, s_leads) };
        await RefusedAsync(notice, own, "may not decide on or review their own request");
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        var notice = await AmberTaskAsync();
        var expired = fixture.Server.Tokens.Issue(Lead, s_leads, ["approver"], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-1));
        await RefusedAsync(notice, Decision(notice) with { BearerToken = expired }, "token expired");
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_refused()
    {
        var notice = await AmberTaskAsync();
        var foreign = new LocalTokenIssuer(RandomNumberGenerator.GetBytes(32)).Issue(Lead, s_leads, ["approver"]);
        await RefusedAsync(notice, Decision(notice) with { BearerToken = foreign }, "invalid signature");
    }

    [Fact]
    public async Task Token_without_the_approver_role_is_refused()
    {
        var notice = await AmberTaskAsync();
        var submitter = fixture.Server.Tokens.Issue(Lead, s_leads, ["submitter"]);
        await RefusedAsync(notice, Decision(notice) with { BearerToken = submitter }, "requires role approver");
    }

    [Fact]
    public async Task Bridge_speaking_for_a_group_it_is_not_configured_for_is_refused()
    {
        var notice = await AmberTaskAsync();
        var bridge = fixture.Server.Tokens.Issue(BridgeBusFixture.Bridge, [], ["bridge"]);
        await RefusedAsync(notice, Decision(notice) with { BearerToken = bridge }, "may not speak for group 'team-leads'");
    }

    [Fact]
    public async Task Bridge_token_for_an_unconfigured_bridge_is_refused()
    {
        var notice = await AmberTaskAsync();
        var rogue = fixture.Server.Tokens.Issue("rogue-bridge", ["team-leads"], ["bridge"]);
        await RefusedAsync(notice, Decision(notice) with { BearerToken = rogue }, "bridge 'rogue-bridge' is not configured");
    }

    [Fact]
    public async Task Approvers_own_token_decision_is_accepted_and_audited_as_authenticated()
    {
        var notice = await AmberTaskAsync();
        // The message's groups are not what counts: the token's are.
        await fixture.Integrator.PublishAsync(Decision(notice) with { ApproverGroups = ["nobody"] });
        var completed = await fixture.Integrator.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == notice.RequestId, "the approved request to complete");
        Assert.Equal("dry-run", completed.Status);
        var decision = await DecisionAuditAsync(notice.InstanceId);
        Assert.True(decision.GetProperty("authenticated").GetBoolean());
        Assert.False(decision.TryGetProperty("bridge", out _));
    }

    [Fact]
    public async Task Bridge_decision_within_its_groups_is_accepted_and_audited_with_the_bridge_name()
    {
        var red = Requests.NewId("bridge-red");
        await fixture.Integrator.PublishAsync(new SubmitAgentRequest(red, Requests.Requester, null, "Transfer funds from treasury to vendor account immediately.", null, null));
        var notice = await fixture.Integrator.WaitForAsync<ApprovalRequested>(a => a.RequestId == red, "the red approval notice");
        Assert.Equal("security-officers", notice.Group);
        var bridge = fixture.Server.Tokens.Issue(BridgeBusFixture.Bridge, [], ["bridge"]);
        for (var i = 1; i <= notice.RequiredApprovals; i++)
        {
            await fixture.Integrator.PublishAsync(new SubmitApprovalDecision(notice.TaskId, $"bridge-{i}", $"officer-{i}", ["security-officers"], "approve", "via chat-ops", notice.ActionHash, bridge));
        }

        await fixture.Integrator.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == red, "the bridge-approved request to complete");
        var decision = await DecisionAuditAsync(notice.InstanceId);
        Assert.False(decision.GetProperty("authenticated").GetBoolean());
        Assert.Equal(BridgeBusFixture.Bridge, decision.GetProperty("bridge").GetString());
    }

    [Fact]
    public async Task Timer_message_with_the_guessable_token_but_no_firing_key_changes_nothing()
    {
        var notice = await AmberTaskAsync();
        await PublishInternalAsync(new TimerFired(notice.InstanceId, notice.TaskId, $"{notice.TaskId:N}-t0"));
        await SecurityEventAsync($"TimerFired for task {notice.TaskId}: wrong firing key");
        await StillOpenAsync(notice);
    }

    [Fact]
    public async Task Timer_message_for_a_token_the_task_does_not_wait_on_changes_nothing()
    {
        var notice = await AmberTaskAsync();
        await PublishInternalAsync(new TimerFired(notice.InstanceId, notice.TaskId, $"{notice.TaskId:N}-t7", "00"));
        await SecurityEventAsync($"TimerFired for task {notice.TaskId}: no such timer for this task");
        await StillOpenAsync(notice);
    }

    [Fact]
    public async Task Timer_message_with_the_right_key_before_the_due_time_changes_nothing()
    {
        var notice = await AmberTaskAsync();
        var token = $"{notice.TaskId:N}-t0";
        var key = await ReadFiringKeyAsync(token);
        await PublishInternalAsync(new TimerFired(notice.InstanceId, notice.TaskId, token, key));
        await SecurityEventAsync($"TimerFired for task {notice.TaskId}: fired before its due time");
        await StillOpenAsync(notice);
    }

    [Fact]
    public async Task Forged_execute_request_for_a_task_awaiting_approval_runs_nothing()
    {
        var notice = await AmberTaskAsync();
        await PublishInternalAsync(new ExecuteRequest(notice.InstanceId));
        await Eventually.TrueAsync(
            () => fixture.Server.Consumed.Of<ExecuteRequest>().Any(c => ((ExecuteRequest)c.Message).InstanceId == notice.InstanceId),
            "the forged ExecuteRequest to be consumed");
        await StillOpenAsync(notice);
        Assert.DoesNotContain(
            (await fixture.Server.GetRequestAsync(notice.InstanceId)).GetProperty("timeline").EnumerateArray(),
            e => e.GetProperty("kind").GetString() == "execution-started");
    }

    [Fact]
    public async Task Forged_classify_request_for_a_classified_request_changes_nothing()
    {
        var notice = await AmberTaskAsync();
        // Intake classifies in its own step on a node with both roles, so there may be no genuine ClassifyRequest at all.
        int Consumed() => fixture.Server.Consumed.Of<ClassifyRequest>().Count(c => ((ClassifyRequest)c.Message).InstanceId == notice.InstanceId);
        var before = Consumed();
        await PublishInternalAsync(new ClassifyRequest(notice.InstanceId));
        await Eventually.TrueAsync(() => Consumed() > before, "the forged ClassifyRequest to be consumed");
        await StillOpenAsync(notice);
        Assert.Single((await fixture.Server.GetRequestAsync(notice.InstanceId)).GetProperty("tasks").EnumerateArray());
    }

    private SubmitApprovalDecision Decision(ApprovalRequested notice) =>
        new(notice.TaskId, Guid.NewGuid().ToString("N"), Lead, s_leads, "approve", "looks fine", notice.ActionHash, fixture.Server.ApproverToken(Lead, s_leads));

    private async Task<ApprovalRequested> AmberTaskAsync()
    {
        var request = new SubmitAgentRequest(Requests.NewId("forged"), Requests.Requester, null, "Send the invoice to the vendor.", null, null);
        await fixture.Integrator.PublishAsync(request);
        return await fixture.Integrator.WaitForAsync<ApprovalRequested>(a => a.RequestId == request.RequestId, "the amber approval notice");
    }

    /// <summary>The decision is faulted with the reason (publisher-visible), recorded as a security event, and changed nothing.</summary>
    private async Task RefusedAsync(ApprovalRequested notice, SubmitApprovalDecision forged, string reason)
    {
        var messageId = await fixture.Integrator.PublishAsync(forged);
        var faulted = await fixture.Raw.CollectAsync(
            fixture.Queue(QueueNames.Decisions + QueueNames.ErrorSuffix), m => m.Any(e => e.MessageId == messageId.ToString()), "the refused decision in ao-decisions_error");
        Assert.Contains(reason, faulted.Single(e => e.MessageId == messageId.ToString()).Header("MT-Fault-Message"), StringComparison.Ordinal);
        var recorded = await SecurityEventAsync($"decision {forged.DecisionId} on task {notice.TaskId}: ");
        Assert.Contains(reason, recorded.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("BUS", recorded.GetProperty("method").GetString());
        if (forged.BearerToken is { } token)
        {
            Assert.DoesNotContain(token, recorded.GetRawText(), StringComparison.Ordinal);
        }

        await StillOpenAsync(notice);
    }

    private async Task StillOpenAsync(ApprovalRequested notice)
    {
        var request = await fixture.Server.GetRequestAsync(notice.InstanceId);
        Assert.Equal("awaiting-approval", request.GetProperty("status").GetString());
        Assert.Empty(request.GetProperty("tasks")[0].GetProperty("decisions").EnumerateArray());
        Assert.Equal(0, request.GetProperty("tasks")[0].GetProperty("tier").GetInt32());
    }

    private async Task<JsonElement> SecurityEventAsync(string reasonStart) =>
        (JsonElement)await Eventually.GetAsync<object>(async () =>
        {
            var events = await fixture.Server.Http.GetFromJsonAsync<JsonElement>("/api/audit/security?limit=500", Broker.Ct);
            return events.EnumerateArray().Where(e => e.GetProperty("reason").GetString()!.StartsWith(reasonStart, StringComparison.Ordinal)).Cast<object>().FirstOrDefault();
        }, $"a security event '{reasonStart}…'");

    private async Task<JsonElement> DecisionAuditAsync(Guid instanceId)
    {
        var request = await fixture.Server.GetRequestAsync(instanceId);
        return request.GetProperty("timeline").EnumerateArray().First(e => e.GetProperty("kind").GetString() == "decision").GetProperty("data");
    }

    /// <summary>Publishes an internal message as a client allowed to (the default test user): the orchestrator must not trust it anyway.</summary>
    private async Task PublishInternalAsync<T>(T message)
        where T : class
    {
        var body = JsonSerializer.Serialize(new { messageId = Guid.NewGuid(), messageType = new[] { $"urn:message:{typeof(T).Namespace}:{typeof(T).Name}" }, message },
            new JsonSerializerOptions(JsonSerializerDefaults.Web));
        await fixture.Raw.PublishAsync(BrokerPermissions.ExchangeFor(typeof(T), fixture.Prefix), body, "application/vnd.masstransit+json", Guid.NewGuid().ToString());
    }

    private async Task<string> ReadFiringKeyAsync(string token)
    {
        await using var connection = fixture.Server.Services.GetRequiredService<Database>().Open();
        return await Eventually.GetAsync(() => connection.ExecuteScalarAsync<string?>("SELECT key FROM timer_keys WHERE token = @token", new { token }), "the timer's firing key");
    }
}
