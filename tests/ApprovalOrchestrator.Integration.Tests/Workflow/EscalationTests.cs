using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Workflow;

/// <summary>Quartz timers (persistent, same SQLite file) escalate and expire; stale ones do nothing; due ones fire after a restart.</summary>
public sealed class EscalationTests
{
    private const string Amber = "Send the invoice to the vendor.";

    [Fact]
    public async Task Amber_escalates_from_team_leads_to_managers_then_expires()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync(Amber, workflow: "fast-escalation");
        var taskId = await host.OpenTaskIdAsync(id);

        var escalated = await WaitForAsync(host, id, r => r.GetProperty("tasks")[0].GetProperty("group").GetString() == "managers");
        Assert.Equal(1, escalated.GetProperty("tasks")[0].GetProperty("tier").GetInt32());

        var expired = await host.WaitForStatusAsync(id, "expired");
        var kinds = expired.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToArray();
        Assert.Equal(["received", "classified", "task-opened", "escalated", "expired", "completed"], kinds);
        Assert.All(expired.GetProperty("timeline").EnumerateArray(), e => Assert.Equal("fast-escalation", e.GetProperty("definitionId").GetString()));

        // The task is closed now: a late decision changes nothing.
        var (late, _) = await host.DecideAsync(taskId, "mia", "managers", "approve");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task After_escalation_the_previous_group_can_no_longer_decide_but_the_new_one_can()
    {
        await using var host = await OrchestratorHost.StartAsync();
        // Team leads have 1 s, managers an hour: the managers' decision cannot race the expiry.
        var id = await host.SubmitOkAsync(Amber, workflow: "escalate-then-wait");
        var taskId = await host.OpenTaskIdAsync(id);
        await WaitForAsync(host, id, r => r.GetProperty("tasks")[0].GetProperty("group").GetString() == "managers");

        var (teamLead, _) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        var (manager, _) = await host.DecideAsync(taskId, "mia", "managers", "approve");

        Assert.Equal(HttpStatusCode.Forbidden, teamLead.StatusCode);
        Assert.Equal(HttpStatusCode.OK, manager.StatusCode);
        await host.WaitForStatusAsync(id, "dry-run");
    }

    [Fact]
    public async Task A_timer_for_a_task_already_decided_does_nothing()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Transfer funds from treasury to vendor account immediately.", workflow: "fast-escalation");
        var taskId = await host.OpenTaskIdAsync(id);
        await host.DecideAsync(taskId, "sam", "security-officers", "approve");
        await host.DecideAsync(taskId, "sue", "security-officers", "approve");
        await host.WaitForStatusAsync(id, "dry-run");

        // The red tier's 2 s timer was cancelled; wait past it and check nothing moved.
        var timerDue = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < timerDue)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        var after = await host.GetRequestAsync(id);
        Assert.Equal("dry-run", after.GetProperty("status").GetString());
        Assert.DoesNotContain(after.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() is "expired" or "escalated");
    }

    [Fact]
    public async Task Timers_that_fell_due_while_the_server_was_down_fire_after_restart()
    {
        var host = await OrchestratorHost.StartAsync();
        var database = host.DatabasePath;
        var id = await host.SubmitOkAsync("Transfer funds from treasury to vendor account immediately.", workflow: "fast-escalation");
        await host.OpenTaskIdAsync(id);
        await host.DisposeAsync();

        // Stay down past the 2 s expiry.
        var due = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < due)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        await using var restarted = await OrchestratorHost.StartAsync(database);
        var expired = await restarted.WaitForStatusAsync(id, "expired", TimeSpan.FromSeconds(15));
        Assert.Single(expired.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "expired");
    }

    [Fact]
    public async Task Concurrent_decisions_on_one_task_are_neither_lost_nor_double_counted()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Transfer funds from treasury to vendor account immediately.");
        var taskId = await host.OpenTaskIdAsync(id);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => host.DecideAsync(taskId, $"officer-{i}", "security-officers", "approve")));

        // Exactly two approvals close the task; everyone after that finds it closed.
        Assert.Equal(2, results.Count(r => r.Response.StatusCode == HttpStatusCode.OK && r.Body.GetProperty("recorded").GetBoolean()));
        Assert.Equal(10, results.Count(r => r.Response.StatusCode == HttpStatusCode.Conflict));
        var done = await host.WaitForStatusAsync(id, "dry-run");
        Assert.Equal(2, done.GetProperty("tasks")[0].GetProperty("decisions").GetArrayLength());
    }

    private static async Task<System.Text.Json.JsonElement> WaitForAsync(OrchestratorHost host, Guid id, Func<System.Text.Json.JsonElement, bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var request = await host.GetRequestAsync(id);
            if (condition(request))
            {
                return request;
            }

            Assert.True(DateTime.UtcNow < until, $"Condition not met in time: {request}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
