using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Timers;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>
/// Nothing is silently stuck, on any number of nodes: every node runs this sweep at start and then periodically. It nudges
/// instances idle between steps (received; executing with no execution lease) and executions whose lease has expired,
/// and puts every armed timer back into Quartz. A live lease is never touched: its call may be in flight on another node.
/// Nudges are safe to repeat and to race: the execute step claims an expired lease in its own transaction, so of two
/// nodes nudging the same execution, one takes it over and the other changes nothing.
/// </summary>
public sealed class RecoveryService(
    Database database,
    TimerScheduler timers,
    OutboxSignal signal,
    IOptions<ExecutionLeaseOptions> leaseOptions,
    TimeProvider clock,
    ILogger<RecoveryService> logger,
    DatabaseOwnership? ownership = null) : BackgroundService
{
    public static readonly TimeSpan IdleThreshold = TimeSpan.FromSeconds(30);

    /// <summary>Every 15 s, or twice per lease when leases are shorter: a dead node's calls are taken over within 1.5 leases.</summary>
    public TimeSpan SweepInterval => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(15).Ticks, (leaseOptions.Value.Lease / 2).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startup = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(startup ? null : clock.GetUtcNow() - IdleThreshold, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Recovery sweep failed; will retry");
            }
            finally
            {
                // Only the first sweep is a start-up sweep, even if it failed part-way.
                startup = false;
            }

            await Task.Delay(SweepInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// With <paramref name="idleSince"/> null (at start), every received instance and every executing one without a lease;
    /// else those idle since then. Executions whose lease expired are nudged by every sweep.
    /// </summary>
    public async Task SweepAsync(DateTimeOffset? idleSince, CancellationToken cancellationToken)
    {
        var cutoff = idleSince is { } t ? Timestamps.ToText(t) : "9999";
        var now = clock.GetUtcNow();
        var (nudged, expired) = await database.InTransactionAsync(async (connection, tx) =>
        {
            if (ownership is { IsHeld: true })
            {
                // This process holds the file lock, so no other process runs on it: leases of runs that are not alive here
                // belong to a process that died (a restart after a crash), and need not be waited out.
                var ended = await ExecutionLeases.EndDeadOwnersAsync(connection, tx, RunIdentity.IsAliveHere, now);
                if (ended > 0)
                {
                    logger.LogInformation("Ended {Count} execution leases of runs that are gone (this process owns the database file)", ended);
                }
            }

            var received = await connection.QueryAsync<string>(
                "SELECT id FROM instances WHERE status = 'received' AND updated_at < @cutoff", new { cutoff }, tx);
            // No lease: the execution never started (its ExecuteRequest was lost or is late), or was started by the release
            // before leases (taken over as expired). An expired lease: its owner stopped heartbeating.
            var executing = (await connection.QueryAsync<(string Id, int Expired)>(
                """
                SELECT i.id, CASE WHEN l.instance_id IS NULL THEN 0 ELSE 1 END
                FROM instances i LEFT JOIN execution_leases l ON l.instance_id = i.id
                WHERE i.status = 'executing' AND ((l.instance_id IS NULL AND i.updated_at < @cutoff) OR l.expires_at <= @now)
                """,
                new { cutoff, now = Timestamps.ToText(now) },
                tx)).ToList();
            foreach (var id in received)
            {
                await Outbox.AddAsync(connection, tx, new ClassifyRequest(Guid.Parse(id)), now);
            }

            foreach (var (id, _) in executing)
            {
                await Outbox.AddAsync(connection, tx, new ExecuteRequest(Guid.Parse(id)), now);
            }

            return (received.Count() + executing.Count, executing.Count(e => e.Expired == 1));
        });
        if (nudged > 0)
        {
            logger.LogInformation("Recovery nudged {Count} instances between steps ({Expired} with an expired execution lease)", nudged, expired);
            signal.Notify();
        }

        await timers.ReconcileAsync(cancellationToken);
    }
}
