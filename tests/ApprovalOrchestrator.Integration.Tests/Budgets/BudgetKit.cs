using System.Net;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using Dapper;

namespace ApprovalOrchestrator.Integration.Tests.Budgets;

/// <summary>Hosts on the <c>budgeted</c> test workflow at the start of a logical minute, and what the budget tests ask of them.</summary>
internal static class BudgetKit
{
    public const string Workflow = "budgeted";
    public const string Green = "Summarize our AI governance policy for internal use.";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<OrchestratorHost> StartAsync(FakeGateway gateway, ShiftedClock clock, string? databasePath = null, IDictionary<string, string?>? extra = null)
    {
        // Budget tests read the completions the server sent from the outbox.
        var settings = OrchestratorHost.KeepingSentMessages(OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        settings["Workflows:AllowChoice:3"] = Workflow;
        return await OrchestratorHost.StartAsync(databasePath, settings, ShiftedClock.Install(clock));
    }

    /// <summary>Logical time at the start of the next UTC minute: a test's few seconds stay in one minute (and one day).</summary>
    public static ShiftedClock AtMinuteStart()
    {
        var clock = new ShiftedClock();
        var now = clock.GetUtcNow();
        var next = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        clock.Advance(next - now);
        return clock;
    }

    public static async Task<Guid> SubmitAsync(OrchestratorHost host, string agentId, object? tool = null, string text = Green)
    {
        var (response, body) = await host.SubmitAsync(new { requester = "alice", text, workflow = Workflow, agentId, tool });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Submit answered {(int)response.StatusCode}: {body}");
        return body.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> ExecutedAsync(OrchestratorHost host, string agentId, object? tool = null) =>
        await host.WaitForStatusAsync(await SubmitAsync(host, agentId, tool), "executed");

    public static async Task<string> FinalStatusAsync(OrchestratorHost host, Guid id)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = (await host.GetRequestAsync(id)).GetProperty("status").GetString()!;
            if (status is "executed" or "rejected" || DateTime.UtcNow > until)
            {
                return status;
            }

            await Task.Delay(50, Ct);
        }
    }

    /// <summary>Each request's status once it is executed or rejected (or whatever it is at the deadline), in order.</summary>
    public static async Task<IReadOnlyList<string>> FinalStatusesAsync(OrchestratorHost host, IEnumerable<Guid> ids)
    {
        var statuses = new List<string>();
        foreach (var id in ids)
        {
            statuses.Add(await FinalStatusAsync(host, id));
        }

        return statuses;
    }

    public static async Task<long> CounterAsync(OrchestratorHost host, string agentId, string metric)
    {
        await using var connection = host.Database.Open();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COALESCE(SUM(value), 0) FROM budget_counters WHERE agent_id = @agentId AND metric = @metric", new { agentId, metric });
    }

    public static async Task<string> ClassifiedAuditAsync(OrchestratorHost host, Guid id)
    {
        await using var connection = host.Database.Open();
        return await connection.ExecuteScalarAsync<string>(
            "SELECT data FROM audit_events WHERE instance_id = @id AND kind = 'classified'", new { id = id.ToString() }) ?? "";
    }

    public static async Task<string> OutcomeEventAsync(OrchestratorHost host, Guid id)
    {
        await using var connection = host.Database.Open();
        var body = await connection.ExecuteScalarAsync<string>(
            "SELECT body FROM outbox WHERE message_type LIKE '%AgentRequestCompleted%' AND body LIKE @id", new { id = $"%{id}%" });
        Assert.NotNull(body);
        return body;
    }

    public static object ChatAnswer(long totalTokens) => new
    {
        id = "chatcmpl_budget",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "openclaw:main",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = "Done." }, finish_reason = "stop" } },
        usage = new { prompt_tokens = totalTokens - 10, completion_tokens = 10, total_tokens = totalTokens },
    };
}
