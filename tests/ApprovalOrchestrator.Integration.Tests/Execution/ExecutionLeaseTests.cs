using System.Text.Json;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Integration.Tests.Execution;

/// <summary>
/// Execution leases (issue 10): a Gateway call in flight belongs to the run holding its lease; recovery on any node takes
/// over only a lease that expired — a tool call then needs review (never re-sent), a chat call is retried. Real SQLite
/// file (and the suite's PostgreSQL pass), real fake Gateway over HTTP; "other nodes" are other runs in this process
/// (<see cref="ExecutionNode"/>) or a host restarted on the same database. Logical time moves on a <see cref="ShiftedClock"/>; heartbeats run on real timers.
/// </summary>
public sealed class ExecutionLeaseTests
{
    private const string ToolText = "List my open sessions.";
    private const string ChatText = "Summarize the quarterly report for internal use.";
    private static readonly object s_tool = new { name = "sessions_list", action = "json" };

    /// <summary>Every role but execution: the instance waits in `executing` for the node the test drives.</summary>
    private static readonly KeyValuePair<string, string?> s_noExecutionRole = new("Roles", "intake,classification,timers,decisions");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_live_tool_call_held_at_the_gateway_is_not_taken_over_by_any_sweep_or_node_even_an_hour_after_it_started()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        gateway.SetDefault(FakeGateway.ToolPath, FakeResponse.Hang());
        var clock = new ShiftedClock();
        await using var host = await OrchestratorHost.StartAsync(settings: Settings(gateway, leaseSeconds: 6), configure: ShiftedClock.Install(clock));
        var id = await host.SubmitOkAsync(ToolText, tool: s_tool);
        await gateway.WaitForRequestsAsync(FakeGateway.ToolPath, 1, Poll.DefaultTimeout);
        var started = await LeaseAsync(host, id) ?? throw new InvalidOperationException("No lease for the call in flight.");

        clock.Advance(TimeSpan.FromHours(1));
        // The owner is alive: within a heartbeat its lease reaches past the new "now".
        var shiftedNow = clock.GetUtcNow();
        await Poll.TrueAsync(async () => (await LeaseAsync(host, id))?.ExpiresAt > shiftedNow, "a heartbeat after the clock moved", cancellationToken: Ct);
        using var other = new ExecutionNode(host.Services);
        for (var i = 0; i < 3; i++)
        {
            await Recovery(host).SweepAsync(null, Ct);
            await other.RunAsync(id);
        }

        var request = await host.GetRequestAsync(id);
        Assert.Equal("executing", request.GetProperty("status").GetString());
        var lease = await LeaseAsync(host, id);
        Assert.Equal(started.Owner, lease!.Owner);
        Assert.Equal(host.Services.GetRequiredService<RunIdentity>().Id, lease.Owner);
        Assert.Equal(started.AcquiredAt, lease.AcquiredAt);
        Assert.DoesNotContain(Timeline(request), e => e.Kind == AuditKinds.ExecutionInterrupted);
        Assert.Equal(1, gateway.ToolInvocationCount(started.IdempotencyKey));
    }

    [Fact]
    public async Task Heartbeats_keep_a_chat_call_three_leases_long_alive_against_every_sweep_and_node_and_it_is_sent_once()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        gateway.SetDefault(FakeGateway.ChatPath, FakeResponse.Slow(TimeSpan.FromSeconds(9)));
        await using var host = await OrchestratorHost.StartAsync(settings: Settings(gateway, leaseSeconds: 3));
        var id = await host.SubmitOkAsync(ChatText);
        await gateway.WaitForRequestsAsync(FakeGateway.ChatPath, 1, Poll.DefaultTimeout);
        var first = await LeaseAsync(host, id) ?? throw new InvalidOperationException("No lease for the call in flight.");

        // At every heartbeat, other nodes try: a sweep, and a start by another run. Each finds a live lease.
        using var other = new ExecutionNode(host.Services);
        var last = first;
        var beats = 0;
        while (true)
        {
            await Recovery(host).SweepAsync(null, Ct);
            await other.RunAsync(id);
            var seen = last.HeartbeatAt;
            var next = await Poll.GetAsync(
                async () => await LeaseAsync(host, id) is { } l ? (l.HeartbeatAt > seen ? new[] { l } : null) : [],
                "the next heartbeat, or the outcome",
                cancellationToken: Ct);
            if (next.Length == 0)
            {
                break;
            }

            last = next[0];
            beats++;
        }

        var done = await host.WaitForStatusAsync(id, "executed");
        Assert.Single(gateway.RequestsTo(FakeGateway.ChatPath));
        Assert.True(last.ExpiresAt > first.ExpiresAt + TimeSpan.FromSeconds(3), $"The lease was not carried past its first expiry: first {first.ExpiresAt:O}, last {last.ExpiresAt:O}.");
        Assert.True(beats >= 3, $"Only {beats} heartbeats were seen during a call three leases long.");
        Assert.Equal(first.AcquiredAt, last.AcquiredAt);
        Assert.DoesNotContain(Timeline(done), e => e.Kind == AuditKinds.ExecutionInterrupted);
        Assert.Null(await LeaseAsync(host, id)); // the outcome step deleted it
    }

    [Fact]
    public async Task An_expired_lease_on_a_tool_call_goes_to_needs_review_after_expiry_only_and_the_tool_is_invoked_exactly_once()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var abandoned = await ExpireAndSweepAsync(gateway, FakeGateway.ToolPath, ToolText, s_tool);
        var (host, id, dead, deadLease) = abandoned;
        var reviewed = await host.WaitForStatusAsync(id, "needs-review");

        Assert.Equal(1, gateway.ToolInvocationCount(deadLease.IdempotencyKey));
        var interrupted = Assert.Single(Timeline(reviewed), e => e.Kind == AuditKinds.ExecutionInterrupted);
        Assert.Equal(dead.Run.Id, interrupted.Data.GetProperty("leaseOwner").GetString());
        Assert.Equal(deadLease.ExpiresAt, interrupted.Data.GetProperty("leaseExpiresAt").GetDateTimeOffset());
        Assert.Equal(deadLease.HeartbeatAt, interrupted.Data.GetProperty("lastHeartbeatAt").GetDateTimeOffset());
        Assert.Equal(host.Services.GetRequiredService<RunIdentity>().Id, interrupted.Data.GetProperty("takenOverBy").GetString());
        Assert.Null(await LeaseAsync(host, id));
        Assert.DoesNotContain(Timeline(reviewed), e => e.Kind == AuditKinds.ExecutionStarted && e.Data.GetProperty("attempt").GetInt32() > 1);
    }

    [Fact]
    public async Task An_expired_lease_on_a_chat_call_is_retried_as_attempt_2_and_succeeds()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var abandoned = await ExpireAndSweepAsync(gateway, FakeGateway.ChatPath, ChatText, null);
        var (host, id, dead, deadLease) = abandoned;
        var done = await host.WaitForStatusAsync(id, "executed");

        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ChatPath).Count);
        var timeline = Timeline(done);
        Assert.Equal(dead.Run.Id, Assert.Single(timeline, e => e.Kind == AuditKinds.ExecutionInterrupted).Data.GetProperty("leaseOwner").GetString());
        var retry = Assert.Single(timeline, e => e.Kind == AuditKinds.ExecutionStarted && e.Data.GetProperty("attempt").GetInt32() == 2);
        Assert.True(retry.Data.GetProperty("afterInterruption").GetBoolean());
        Assert.Equal(deadLease.IdempotencyKey, retry.Data.GetProperty("idempotencyKey").GetString());
        Assert.Null(await LeaseAsync(host, id));
    }

    [Fact]
    public async Task Eight_nodes_and_two_sweeps_racing_for_one_expired_chat_lease_take_it_over_once_and_send_one_retry()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        gateway.SetDefault(FakeGateway.ChatPath, FakeResponse.Hang());
        var clock = new ShiftedClock();
        await using var host = await OrchestratorHost.StartAsync(settings: Settings(gateway, leaseSeconds: 30, s_noExecutionRole), configure: ShiftedClock.Install(clock));
        var id = await host.SubmitOkAsync(ChatText);
        await host.WaitForStatusAsync(id, "executing");
        using var dead = new ExecutionNode(host.Services);
        await StartThenKillAsync(dead, id, gateway, FakeGateway.ChatPath);
        gateway.SetDefault(FakeGateway.ChatPath, null);
        clock.Advance(TimeSpan.FromSeconds(31));

        var nodes = Enumerable.Range(0, 8).Select(_ => new ExecutionNode(host.Services)).ToList();
        try
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = nodes.Select(n => Task.Run(async () => { await go.Task; await n.RunAsync(id); }, Ct))
                .Concat(Enumerable.Range(0, 2).Select(_ => Task.Run(async () => { await go.Task; await Recovery(host).SweepAsync(null, Ct); }, Ct)))
                .ToList();
            go.SetResult();
            await Task.WhenAll(racers);
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }

        var done = await host.WaitForStatusAsync(id, "executed");
        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ChatPath).Count); // the dead node's call and exactly one retry
        var timeline = Timeline(done);
        var interrupted = Assert.Single(timeline, e => e.Kind == AuditKinds.ExecutionInterrupted);
        var winner = interrupted.Data.GetProperty("takenOverBy").GetString();
        Assert.Contains(nodes, n => n.Run.Id == winner);
        Assert.Equal(2, timeline.Count(e => e.Kind == AuditKinds.ExecutionStarted));
        Assert.Single(timeline, e => e.Kind == AuditKinds.ExecutionFinished);
    }

    [Theory]
    [InlineData(FakeGateway.ToolPath, "needs-review", 1)]
    [InlineData(FakeGateway.ChatPath, "executed", 2)]
    public async Task An_execution_left_by_the_release_before_leases_is_recovered_at_start_a_tool_into_review_never_resent_a_chat_retried(string path, string status, int calls)
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        var isTool = path == FakeGateway.ToolPath;
        var (database, id, dead, _) = await LeftByThePreviousReleaseAsync(gateway, path, isTool ? ToolText : ChatText, isTool ? s_tool : null);
        using var __ = dead;

        // The default 30 s lease, the real clock: a start without a lease counts as expired, so the start-up sweep acts.
        await using var host = await OrchestratorHost.StartAsync(database, Settings(gateway, leaseSeconds: 30));
        var recovered = await host.WaitForStatusAsync(id, status, TimeSpan.FromSeconds(15));

        Assert.Equal(calls, gateway.RequestsTo(path).Count);
        var interrupted = Assert.Single(Timeline(recovered), e => e.Kind == AuditKinds.ExecutionInterrupted);
        Assert.Equal(dead.Run.Id, interrupted.Data.GetProperty("leaseOwner").GetString());
        Assert.Equal(JsonValueKind.Null, interrupted.Data.GetProperty("leaseExpiresAt").ValueKind);
    }

    [Fact]
    [Trait("Storage", TestStorage.SqliteOnly)] // on a shared database a restarted node waits the lease out like any other
    public async Task After_a_restart_on_the_sqlite_file_it_owns_a_server_reviews_its_predecessors_tool_call_without_waiting_out_the_lease()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        gateway.SetDefault(FakeGateway.ToolPath, FakeResponse.Hang());
        var database = OrchestratorHost.NewDatabasePath();
        Guid id;
        ExecutionLease before;
        await using (var first = await OrchestratorHost.StartAsync(database, Settings(gateway, leaseSeconds: 600)))
        {
            id = await first.SubmitOkAsync(ToolText, tool: s_tool);
            await gateway.WaitForRequestsAsync(FakeGateway.ToolPath, 1, Poll.DefaultTimeout);
            before = (await LeaseAsync(first, id))!;
        }

        // A 10-minute lease, but the file lock proves the process that held it is gone.
        await using var second = await OrchestratorHost.StartAsync(database, Settings(gateway, leaseSeconds: 600));
        var reviewed = await second.WaitForStatusAsync(id, "needs-review", TimeSpan.FromSeconds(15));

        Assert.Equal(1, gateway.ToolInvocationCount(before.IdempotencyKey));
        var interrupted = Assert.Single(Timeline(reviewed), e => e.Kind == AuditKinds.ExecutionInterrupted);
        Assert.Equal(before.Owner, interrupted.Data.GetProperty("leaseOwner").GetString());
        Assert.True(interrupted.Data.GetProperty("leaseExpiresAt").GetDateTimeOffset() < before.ExpiresAt, "The dead run's lease should have been ended early.");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task A_lease_length_that_is_not_positive_stops_the_start_with_a_sentence_naming_the_setting(string value)
    {
        var settings = new Dictionary<string, string?> { ["Execution:LeaseSeconds"] = value };

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => OrchestratorHost.StartAsync(settings: settings));

        Assert.Contains("Execution:LeaseSeconds must be a whole number of seconds greater than 0", refused.Message);
    }

    /// <summary>
    /// A server without the execution role takes the request to `executing`; a node started in-process records the start
    /// (and its lease), reaches the Gateway, and dies there. Returns the database, closed, with that node's lease in it.
    /// </summary>
    private static async Task<(string Database, Guid Id, ExecutionNode Dead, ExecutionLease Lease)> CallAbandonedByADeadNodeAsync(FakeGateway gateway, string text, object? tool)
    {
        var database = OrchestratorHost.NewDatabasePath();
        await using var host = await OrchestratorHost.StartAsync(database, Settings(gateway, leaseSeconds: 30, s_noExecutionRole));
        var id = await host.SubmitOkAsync(text, tool: tool);
        await host.WaitForStatusAsync(id, "executing");
        var dead = new ExecutionNode(host.Services);
        await StartThenKillAsync(dead, id, gateway, tool is null ? FakeGateway.ChatPath : FakeGateway.ToolPath);
        var lease = await LeaseAsync(host, id) ?? throw new InvalidOperationException("The dead node left no lease.");
        Assert.Equal(dead.Run.Id, lease.Owner);
        return (database, id, dead, lease);
    }

    /// <summary>
    /// A dead node's call (answered normally from now on), then a server on the same file whose sweeps leave its lease
    /// alone while it is unexpired — the owner might only be slow — and, once the clock is past the expiry, nudge it.
    /// </summary>
    private static async Task<Abandoned> ExpireAndSweepAsync(FakeGateway gateway, string path, string text, object? tool)
    {
        gateway.SetDefault(path, FakeResponse.Hang());
        var (database, id, dead, lease) = await CallAbandonedByADeadNodeAsync(gateway, text, tool);
        gateway.SetDefault(path, null);
        var clock = new ShiftedClock();
        var host = await OrchestratorHost.StartAsync(database, Settings(gateway, leaseSeconds: 30), ShiftedClock.Install(clock));
        var abandoned = new Abandoned(host, id, dead, lease);
        await Recovery(host).SweepAsync(null, Ct);
        Assert.Equal("executing", (await host.GetRequestAsync(id)).GetProperty("status").GetString());
        Assert.Equal(dead.Run.Id, (await LeaseAsync(host, id))!.Owner);
        Assert.Single(gateway.RequestsTo(path));

        clock.Advance(TimeSpan.FromSeconds(31));
        await Recovery(host).SweepAsync(clock.GetUtcNow() - RecoveryService.IdleThreshold, Ct);
        return abandoned;
    }

    /// <summary>A server and the dead node whose lease it found; disposing ends both.</summary>
    private sealed record Abandoned(OrchestratorHost Host, Guid Id, ExecutionNode Dead, ExecutionLease Lease) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            Dead.Dispose();
        }
    }

    /// <summary>
    /// What the release before leases leaves behind when it dies mid-call: the start recorded in the instance and no lease
    /// row at all (made here by a dead node whose lease row is then removed). The Gateway answers normally from now on.
    /// </summary>
    private static async Task<(string Database, Guid Id, ExecutionNode Dead, ExecutionLease Lease)> LeftByThePreviousReleaseAsync(FakeGateway gateway, string path, string text, object? tool)
    {
        gateway.SetDefault(path, FakeResponse.Hang());
        var abandoned = await CallAbandonedByADeadNodeAsync(gateway, text, tool);
        gateway.SetDefault(path, null);
        await using var connection = TestStorage.Open(abandoned.Database).Open();
        Assert.Equal(1, await connection.ExecuteAsync("DELETE FROM execution_leases WHERE instance_id = @Id", new { Id = abandoned.Id.ToString() }));
        return abandoned;
    }

    private static async Task StartThenKillAsync(ExecutionNode node, Guid id, FakeGateway gateway, string path)
    {
        var running = node.RunAsync(id);
        await gateway.WaitForRequestsAsync(path, 1, Poll.DefaultTimeout);
        node.Kill();
        await running;
    }

    private static Dictionary<string, string?> Settings(FakeGateway gateway, int leaseSeconds, params KeyValuePair<string, string?>[] more)
    {
        var settings = OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token);
        settings["Execution:LeaseSeconds"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static RecoveryService Recovery(OrchestratorHost host) => host.Services.GetServices<IHostedService>().OfType<RecoveryService>().Single();

    private static async Task<ExecutionLease?> LeaseAsync(OrchestratorHost host, Guid id)
    {
        await using var connection = host.Services.GetRequiredService<Database>().Open();
        return await ExecutionLeases.FindAsync(connection, null, id);
    }

    private static List<(string Kind, JsonElement Data)> Timeline(JsonElement request) =>
        request.GetProperty("timeline").EnumerateArray().Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("data"))).ToList();
}
