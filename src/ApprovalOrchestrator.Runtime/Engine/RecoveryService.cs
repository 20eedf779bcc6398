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
        var (nudged, takeovers) = await database.InTransactionAsync(async (connection, tx) =>
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

            // Each SELECT claims its rows for this sweep (SKIP LOCKED on PostgreSQL): two nodes sweeping at once nudge
            // disjoint sets. A nudge is only a hint, though; the execute step's own claim decides who takes a call over.
            var skipLocked = database.Sql.SkipLocked;
            var received = (await connection.QueryAsync<string>(
                "SELECT id FROM instances WHERE status = 'received' AND updated_at < @cutoff" + skipLocked, new { cutoff }, tx)).ToList();
            // No lease: the execution never started (its ExecuteRequest was lost or is late), or was started by the release
            // before leases (taken over as expired).
            var unleased = (await connection.QueryAsync<string>(
                """
                SELECT id FROM instances WHERE status = 'executing' AND updated_at < @cutoff
                AND NOT EXISTS (SELECT 1 FROM execution_leases l WHERE l.instance_id = instances.id)
                """ + skipLocked,
                new { cutoff },
                tx)).ToList();
            // An expired lease: its owner stopped heartbeating. (A lease row exists only while its instance is executing.)
            var expired = (await connection.QueryAsync<string>(
                "SELECT instance_id FROM execution_leases WHERE expires_at <= @now" + skipLocked, new { now = Timestamps.ToText(now) }, tx)).ToList();
            foreach (var id in received)
            {
                await Outbox.AddAsync(connection, tx, new ClassifyRequest(Guid.Parse(id)), now);
            }

            foreach (var id in unleased.Concat(expired))
            {
                await Outbox.AddAsync(connection, tx, new ExecuteRequest(Guid.Parse(id)), now);
            }

            return (received.Count + unleased.Count + expired.Count, expired.Count);
        });
        if (nudged > 0)
        {
            logger.LogInformation("Recovery nudged {Count} instances between steps ({Expired} with an expired execution lease)", nudged, takeovers);
            signal.Notify();
        }

        await timers.ReconcileAsync(cancellationToken);
    }
}
