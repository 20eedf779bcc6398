using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Retention;

/// <summary>Deletes bookkeeping rows older than <see cref="RetentionOptions"/> allows, in small batches, periodically.</summary>
public sealed class RetentionPurge(Database database, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RetentionPurge> logger) : BackgroundService
{
    /// <summary>Rows deleted per table by one run.</summary>
    public sealed record Purged(int SecurityEvents, int Inbox, int Outbox, int BudgetCounters = 0, int NotificationEvents = 0);

    public async Task<Purged> RunAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var security = await PurgeAsync(o.SecurityEvents, now, "DELETE FROM security_events WHERE id IN (SELECT id FROM security_events WHERE COALESCE(last_at, at) < @Cutoff LIMIT @Batch)", cancellationToken);
        var inbox = await PurgeAsync(o.Inbox, now, "DELETE FROM inbox WHERE (consumer, message_id) IN (SELECT consumer, message_id FROM inbox WHERE processed_at < @Cutoff LIMIT @Batch)", cancellationToken);
        var outbox = await PurgeAsync(o.DispatchedOutbox, now, "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE dispatched_at IS NOT NULL AND dispatched_at < @Cutoff LIMIT @Batch)", cancellationToken);
        // Notification events fanned out to no receiver: left by releases that kept them (the dispatcher deletes them
        // now); purged like the outbox rows of the same kind. An event with deliveries stays for them.
        var notifications = await PurgeAsync(o.DispatchedOutbox, now,
            """
            DELETE FROM notification_events WHERE seq IN (SELECT e.seq FROM notification_events e WHERE e.fanned_out_at IS NOT NULL AND e.fanned_out_at < @Cutoff
                AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.event_id = e.id) LIMIT @Batch)
            """,
            cancellationToken);
        // Budget windows that ended long ago: only the current minute and day are ever read.
        var budgets = await PurgeAsync(o.BudgetCounters, now, "DELETE FROM budget_counters WHERE (agent_id, metric, window_start) IN (SELECT agent_id, metric, window_start FROM budget_counters WHERE window_start < @Cutoff LIMIT @Batch)", cancellationToken);
        // Failure counts of rows that were published (or set aside) since: nothing refers to them any more.
        await database.InTransactionAsync((connection, tx) => connection.ExecuteAsync(
            "DELETE FROM outbox_failures WHERE seq NOT IN (SELECT seq FROM outbox WHERE dispatched_at IS NULL)", transaction: tx));
        if (security + inbox + outbox + budgets + notifications > 0)
        {
            logger.LogInformation(
                "Retention purge: {Security} security events, {Inbox} inbox rows, {Outbox} dispatched outbox rows, {Budgets} budget counters, {Notifications} notification events no receiver had",
                security, inbox, outbox, budgets, notifications);
        }

        return new Purged(security, inbox, outbox, budgets, notifications);
    }

    private async Task<int> PurgeAsync(TimeSpan keep, DateTimeOffset now, string sql, CancellationToken cancellationToken)
    {
        if (keep <= TimeSpan.Zero)
        {
            return 0;
        }

        var cutoff = Timestamps.ToText(now - keep);
        var batch = Math.Max(1, options.Value.BatchSize);
        var total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var deleted = await database.InTransactionAsync((connection, tx) => connection.ExecuteAsync(sql, new { Cutoff = cutoff, Batch = batch }, tx));
            total += deleted;
            if (deleted < batch)
            {
                break;
            }
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Retention purge failed; trying again next interval");
            }

            try
            {
                await Task.Delay(options.Value.Interval > TimeSpan.Zero ? options.Value.Interval : TimeSpan.FromHours(1), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
