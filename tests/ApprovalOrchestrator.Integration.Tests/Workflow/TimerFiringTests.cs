using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Timers;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Workflow;

/// <summary>
/// The timer scheduler against the stored rows (SQLite: our own due-time scheduler; PostgreSQL: clustered Quartz): a
/// timer that fell due while the process was down fires within 10 s of the restart, many due at once each fire exactly
/// once, and a firing for a task already decided changes nothing.
/// </summary>
public sealed class TimerFiringTests
{
    private const string Red = "Transfer funds from treasury to vendor account immediately.";

    /// <summary>A correctness bound, not a speed figure: an overdue timer must not wait for a sweep or a Quartz poll.</summary>
    private static readonly TimeSpan s_afterRestart = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_timer_due_while_the_process_was_down_fires_within_ten_seconds_of_the_restart()
    {
        var host = await OrchestratorHost.StartAsync();
        var database = host.DatabasePath;
        var id = await host.SubmitOkAsync(Red, workflow: "fast-escalation");
        await host.OpenTaskIdAsync(id);
        var due = await LatestDueAsync(host);
        await host.DisposeAsync();
        await WaitUntilPastAsync(due);

        await using var restarted = await OrchestratorHost.StartAsync(database);
        var expired = await restarted.WaitForStatusAsync(id, "expired", s_afterRestart);
        Assert.Single(expired.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "expired");
    }

    [Fact]
    public async Task Many_timers_due_at_once_after_a_restart_each_fire_exactly_once()
    {
        const int Count = 40;
        var host = await OrchestratorHost.StartAsync();
        var database = host.DatabasePath;
        // Submitted one after another: their 2 s timers come due close together, many while the process stops or is down.
        var ids = new List<Guid>();
        foreach (var i in Enumerable.Range(0, Count))
        {
            ids.Add(await host.SubmitOkAsync($"{Red} Batch {i}.", workflow: "fast-escalation"));
        }

        // Each has its timer once classified (the first may have fired already: that must not make it fire twice).
        await Poll.TrueAsync(
            async () => await CountAsync(host, "SELECT COUNT(*) FROM timers") == Count, $"{Count} timers armed", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var due = await LatestDueAsync(host);
        await host.DisposeAsync();
        await WaitUntilPastAsync(due);

        await using var restarted = await OrchestratorHost.StartAsync(database);
        await Poll.TrueAsync(
            async () => await CountAsync(restarted, "SELECT COUNT(*) FROM instances WHERE status = 'expired'") == Count,
            $"{Count} requests expired",
            TimeSpan.FromSeconds(60),
            TestContext.Current.CancellationToken);
        // Every one expired by its one timer: one 'expired' audit event per request, no more, and no armed timer left.
        var perInstance = (await QueryAsync<(string InstanceId, long Events)>(
            restarted, "SELECT instance_id, COUNT(*) FROM audit_events WHERE kind = 'expired' GROUP BY instance_id")).ToList();
        Assert.Equal(Count, perInstance.Count);
        Assert.All(perInstance, p => Assert.Equal(1, p.Events));
        Assert.Equal(0, await CountAsync(restarted, "SELECT COUNT(*) FROM timers WHERE status = 'armed'"));
    }

    [Fact]
    public async Task A_firing_for_a_task_already_decided_is_consumed_and_changes_nothing()
    {
        await using var host = await OrchestratorHost.StartAsync();
        // The reference workflow: the red tier has a day, so only the decision can close the task.
        var id = await host.SubmitOkAsync(Red);
        var taskId = await host.OpenTaskIdAsync(id);
        await host.DecideAsync(taskId, "sam", "security-officers", "approve");
        await host.DecideAsync(taskId, "sue", "security-officers", "approve");
        var before = await host.WaitForStatusAsync(id, "dry-run");

        // Present the task's (cancelled) timer to the scheduler as if it were due now: a stale firing.
        var (token, instanceId, stored) = (await QueryAsync<(string Token, string InstanceId, string TaskId)>(
            host, "SELECT token, instance_id, task_id FROM timers WHERE instance_id = @id", new { id = id.ToString() })).Single();
        Assert.Equal(taskId.ToString(), stored);
        await host.Services.GetRequiredService<TimerScheduler>().ApplyAsync(
            [new TimerRow(token, Guid.Parse(instanceId), taskId, DateTimeOffset.UtcNow.AddSeconds(-1))], []);

        // The step saw it (its inbox row) and ignored it: nothing moved.
        await Poll.TrueAsync(
            async () => await CountAsync(host, "SELECT COUNT(*) FROM inbox WHERE consumer = 'timer'") > 0,
            "the stale firing to reach the step",
            TimeSpan.FromSeconds(30),
            TestContext.Current.CancellationToken);
        var after = await host.GetRequestAsync(id);
        Assert.Equal("dry-run", after.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
        Assert.Equal("cancelled", await ScalarAsync<string>(host, "SELECT status FROM timers WHERE token = @token", new { token }));
    }

    private static async Task<DateTimeOffset> LatestDueAsync(OrchestratorHost host) =>
        Timestamps.Parse(await ScalarAsync<string>(host, "SELECT MAX(due_at) FROM timers"));

    /// <summary>The process is down: wait on the wall clock until the stored due time has passed.</summary>
    private static Task WaitUntilPastAsync(DateTimeOffset due) =>
        Poll.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow > due), "the timers' due time", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    private static async Task<long> CountAsync(OrchestratorHost host, string sql) => await ScalarAsync<long>(host, sql);

    private static async Task<T> ScalarAsync<T>(OrchestratorHost host, string sql, object? parameters = null)
    {
        await using var connection = host.Database.Open();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    private static async Task<IEnumerable<T>> QueryAsync<T>(OrchestratorHost host, string sql, object? parameters = null)
    {
        await using var connection = host.Database.Open();
        return await connection.QueryAsync<T>(sql, parameters);
    }
}
