using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Timers;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>
/// Nothing is silently stuck: at start, every instance between steps (received, executing) is nudged again and every
/// armed timer is put back into Quartz; afterwards, a periodic sweep does the same for anything idle too long.
/// Nudges are safe to repeat: the step re-reads the state and ignores what has already happened.
/// </summary>
public sealed class RecoveryService(
    Database database,
    TimerScheduler timers,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<RecoveryService> logger) : BackgroundService
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan IdleThreshold = TimeSpan.FromSeconds(30);

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
                // Only the first sweep is a start-up sweep, even if it failed part-way: a later full sweep would re-nudge
                // executions in flight here (harmless, but noisy).
                startup = false;
            }

            await Task.Delay(SweepInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>With <paramref name="idleSince"/> null (at start), every in-between instance; else those idle since then.
    /// After start, an executing instance is only nudged if its execution never started (a started one may be in flight).</summary>
    public async Task SweepAsync(DateTimeOffset? idleSince, CancellationToken cancellationToken)
    {
        var cutoff = idleSince is { } t ? Timestamps.ToText(t) : "9999";
        var now = clock.GetUtcNow();
        var nudged = await database.InTransactionAsync(async (connection, tx) =>
        {
            var received = await connection.QueryAsync<string>(
                "SELECT id FROM instances WHERE status = 'received' AND updated_at < @cutoff", new { cutoff }, tx);
            var executing = await connection.QueryAsync<string>(
                idleSince is null
                    ? "SELECT id FROM instances WHERE status = 'executing'"
                    : $"SELECT id FROM instances WHERE status = 'executing' AND updated_at < @cutoff AND {database.Sql.JsonText("state", "execution")} IS NULL",
                new { cutoff },
                tx);
            var count = 0;
            foreach (var id in received)
            {
                await Outbox.AddAsync(connection, tx, new ClassifyRequest(Guid.Parse(id)), now);
                count++;
            }

            foreach (var id in executing)
            {
                await Outbox.AddAsync(connection, tx, new ExecuteRequest(Guid.Parse(id)), now);
                count++;
            }

            return count;
        });
        if (nudged > 0)
        {
            logger.LogInformation("Recovery nudged {Count} instances between steps", nudged);
            signal.Notify();
        }

        await timers.ReconcileAsync(cancellationToken);
    }
}
