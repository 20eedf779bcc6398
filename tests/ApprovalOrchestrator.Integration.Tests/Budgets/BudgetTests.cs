using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Console;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Runtime.Retention;
using Microsoft.Extensions.DependencyInjection;
using static ApprovalOrchestrator.Integration.Tests.Budgets.BudgetKit;

namespace ApprovalOrchestrator.Integration.Tests.Budgets;

/// <summary>
/// Budgets per agent end to end, on the real HTTP Gateway stand-in and the test's database (SQLite or PostgreSQL): over a
/// limit the definition sends the request to people (the Gateway receives nothing until it is approved) or rejects it,
/// with the reason in the classification, the audit trail and the outcome event; counters are stored, so they survive a
/// restart. Logical time starts at the beginning of a UTC minute (<see cref="ShiftedClock"/>), so a test's requests all
/// fall in one minute and one day unless it moves the clock on itself.
/// </summary>
public sealed class BudgetTests
{
    private static readonly object ListSessions = new { name = "sessions_list" };

    [Fact]
    public async Task Over_requests_per_minute_goes_to_approval_and_the_gateway_receives_nothing_until_approved()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());

        await ExecutedAsync(host, "rpm-approve");
        await ExecutedAsync(host, "rpm-approve");
        var third = await SubmitAsync(host, "rpm-approve");
        var taskId = await host.OpenTaskIdAsync(third);

        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ChatPath).Count);
        var task = await host.GetTaskAsync(taskId);
        Assert.Contains("Budget requires approval: agent rpm-approve over requestsPerMinute: 3 of 2 used in the minute starting", task.GetProperty("reason").GetString());
        Assert.Equal("require-approval", task.GetProperty("budget").GetProperty("decision").GetString());
        Assert.Equal("green", task.GetProperty("budget").GetProperty("classifiedRoute").GetString());
        var request = await host.GetRequestAsync(third);
        Assert.Equal(3, request.GetProperty("budget").GetProperty("uses")[0].GetProperty("used").GetInt64());
        Assert.Equal(2, request.GetProperty("budget").GetProperty("uses")[0].GetProperty("limit").GetInt64());
        Assert.Contains("over requestsPerMinute", await ClassifiedAuditAsync(host, third));

        var (decided, body) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        Assert.True(decided.IsSuccessStatusCode, body.ToString());
        await host.WaitForStatusAsync(third, "executed");
        Assert.Equal(3, gateway.RequestsTo(FakeGateway.ChatPath).Count);
    }

    [Fact]
    public async Task Over_requests_per_minute_with_reject_is_rejected_with_the_reason_in_the_outcome_event()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());

        for (var i = 0; i < 4; i++)
        {
            await ExecutedAsync(host, "rpm-reject");
        }

        var fifth = await SubmitAsync(host, "rpm-reject");
        var done = await host.WaitForStatusAsync(fifth, "rejected");

        Assert.Equal(4, gateway.RequestsTo(FakeGateway.ChatPath).Count);
        Assert.Contains("Rejected by the agent's budget: agent rpm-reject over requestsPerMinute: 5 of 4 used in the minute starting", done.GetProperty("reason").GetString());
        Assert.Equal("reject", done.GetProperty("budget").GetProperty("decision").GetString());
        var completed = await OutcomeEventAsync(host, fifth);
        Assert.Contains("over requestsPerMinute: 5 of 4", completed);
        Assert.Contains("\"rejected\"", completed);
        // The budget in the classified event is hashed into the chain like every other field.
        var verify = await host.Client.GetFromJsonAsync<JsonElement>("/api/audit/verify", Ct);
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
    }

    [Fact]
    public async Task A_new_minute_starts_a_new_count()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        var clock = AtMinuteStart();
        await using var host = await StartAsync(gateway, clock);
        for (var i = 0; i < 4; i++)
        {
            await ExecutedAsync(host, "rpm-reject");
        }

        await host.WaitForStatusAsync(await SubmitAsync(host, "rpm-reject"), "rejected");
        clock.Advance(TimeSpan.FromMinutes(1));
        var next = await ExecutedAsync(host, "rpm-reject");

        Assert.Equal(1, next.GetProperty("budget").GetProperty("uses")[0].GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task Over_tool_calls_per_day_is_rejected_before_any_call_and_counted_when_the_call_starts()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());

        await ExecutedAsync(host, "tools-reject", ListSessions);
        await ExecutedAsync(host, "tools-reject", ListSessions);
        var third = await SubmitAsync(host, "tools-reject", ListSessions);
        var done = await host.WaitForStatusAsync(third, "rejected");

        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ToolPath).Count);
        Assert.Matches(@"agent tools-reject over toolCallsPerDay: 2 of 2 used in the day starting \d{4}-\d\d-\d\dT00:00Z", done.GetProperty("reason").GetString());
        // A chat request of the same agent is not a tool call: the tool budget does not stop it.
        await ExecutedAsync(host, "tools-reject");
        Assert.Equal(2, await CounterAsync(host, "tools-reject", "tool-calls"));
    }

    [Fact]
    public async Task Tokens_per_day_are_taken_from_the_gateways_usage()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        gateway.SetDefault(FakeGateway.ChatPath, FakeResponse.Json(200, ChatAnswer(totalTokens: 1000)));
        await using var host = await StartAsync(gateway, AtMinuteStart());

        await ExecutedAsync(host, "tokens");
        Assert.Equal(1000, await CounterAsync(host, "tokens", "tokens"));
        await ExecutedAsync(host, "tokens"); // 1000 of 1500 used: still within
        var third = await SubmitAsync(host, "tokens");
        var taskId = await host.OpenTaskIdAsync(third);

        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ChatPath).Count);
        Assert.Contains("agent tokens over tokensPerDay: 2000 of 1500 used in the day starting", (await host.GetTaskAsync(taskId)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_approved_request_executes_even_when_the_days_tool_budget_is_gone_and_is_counted()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());

        // Waiting for a person (a send) while another tool call uses the day's only one.
        var waiting = await SubmitAsync(host, "tools-approve", new { name = "sessions_list", action = "send" }, "Send the session list.");
        var waitingTask = await host.OpenTaskIdAsync(waiting);
        await ExecutedAsync(host, "tools-approve", ListSessions);
        var over = await SubmitAsync(host, "tools-approve", ListSessions);
        var overTask = await host.OpenTaskIdAsync(over);
        Assert.Contains("over toolCallsPerDay: 1 of 1", (await host.GetTaskAsync(overTask)).GetProperty("reason").GetString());

        // The approvers' decision is the authority: both run, and the counter says the day went past its limit.
        foreach (var task in new[] { waitingTask, overTask })
        {
            var (decided, body) = await host.DecideAsync(task, "tina", "team-leads", "approve");
            Assert.True(decided.IsSuccessStatusCode, body.ToString());
        }

        await host.WaitForStatusAsync(waiting, "executed");
        await host.WaitForStatusAsync(over, "executed");
        Assert.Equal(3, gateway.RequestsTo(FakeGateway.ToolPath).Count);
        Assert.Equal(3, await CounterAsync(host, "tools-approve", "tool-calls"));
    }

    [Fact]
    public async Task An_exhausted_budget_is_still_exhausted_after_a_restart_on_the_same_database()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        var clock = AtMinuteStart();
        var databasePath = OrchestratorHost.NewDatabasePath();
        await using (var first = await StartAsync(gateway, clock, databasePath))
        {
            await ExecutedAsync(first, "tools-reject", ListSessions);
            await ExecutedAsync(first, "tools-reject", ListSessions);
        }

        await using var second = await StartAsync(gateway, clock, databasePath);
        var after = await SubmitAsync(second, "tools-reject", ListSessions);
        var done = await second.WaitForStatusAsync(after, "rejected");

        Assert.Contains("over toolCallsPerDay: 2 of 2", done.GetProperty("reason").GetString());
        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ToolPath).Count);
    }

    [Fact]
    public async Task Concurrent_requests_never_squeeze_past_the_last_unit_of_the_limit()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());

        var ids = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => SubmitAsync(host, "rpm-reject", text: $"{Green} #{i}")));
        var statuses = await FinalStatusesAsync(host, ids);

        Assert.Equal(4, statuses.Count(s => s == "executed"));
        Assert.Equal(8, statuses.Count(s => s == "rejected"));
        Assert.Equal(4, gateway.RequestsTo(FakeGateway.ChatPath).Count);
        Assert.Equal(12, await CounterAsync(host, "rpm-reject", "requests"));
    }

    [Fact]
    public async Task Auditors_see_the_current_counters_per_agent_and_submitters_may_not()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());
        await ExecutedAsync(host, "tools-reject", ListSessions);

        var counters = await host.Admin.GetFromJsonAsync<JsonElement>("/api/budgets", Ct);
        var submitter = await host.ClientFor("sam", [], ["submitter"]).GetAsync("/api/budgets", Ct);

        var rows = counters.GetProperty("counters").EnumerateArray().Where(c => c.GetProperty("agentId").GetString() == "tools-reject").ToList();
        Assert.Equal(1, rows.Single(c => c.GetProperty("metric").GetString() == "tool-calls").GetProperty("value").GetInt64());
        Assert.Equal(1, rows.Single(c => c.GetProperty("metric").GetString() == "requests").GetProperty("value").GetInt64());
        Assert.Equal(HttpStatusCode.Forbidden, submitter.StatusCode);
    }

    [Fact]
    public async Task The_retention_purge_removes_windows_that_ended_long_ago_and_keeps_the_current_ones()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        var clock = AtMinuteStart();
        await using var host = await StartAsync(gateway, clock);
        await ExecutedAsync(host, "tools-reject", ListSessions);
        clock.Advance(TimeSpan.FromDays(8));
        await ExecutedAsync(host, "tools-reject", ListSessions);

        var purged = await host.Services.GetRequiredService<RetentionPurge>().RunAsync(Ct);

        Assert.Equal(2, purged.BudgetCounters); // the first day's request and tool-call counters
        Assert.Equal(1, await CounterAsync(host, "tools-reject", "tool-calls"));
        Assert.Equal(1, await CounterAsync(host, "tools-reject", "requests"));
    }

    [Fact]
    public async Task The_console_shows_approvers_and_the_request_page_the_budget_reason()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());
        await ExecutedAsync(host, "rpm-approve");
        await ExecutedAsync(host, "rpm-approve");
        var over = await SubmitAsync(host, "rpm-approve");
        var taskId = await host.OpenTaskIdAsync(over);

        using var approver = await ConsoleSession.SignInAsync(host, "tina", "approver", "team-leads");
        var task = WebUtility.HtmlDecode(await approver.Http.GetStringAsync($"/tasks/{taskId}", Ct));
        using var admin = await ConsoleSession.SignInAsync(host, "ada", "admin");
        var request = WebUtility.HtmlDecode(await admin.Http.GetStringAsync($"/requests/{over}", Ct));

        foreach (var html in new[] { task, request })
        {
            Assert.Contains("data-testid=\"budget-reason\">agent rpm-approve over requestsPerMinute: 3 of 2 used in the minute starting", html);
            Assert.Contains("data-testid=\"budget-requestsPerMinute\"", html);
        }
    }
}
