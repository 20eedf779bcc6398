using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>
/// Publishes committed outbox rows to the bus, oldest first, and deletes them (marks them dispatched with
/// <see cref="OutboxOptions.KeepDispatched"/>). A crash between publish and delete re-publishes the row: consumers
/// dedup on the MessageId, which is the row id. A row that cannot be published (unknown type, unreadable body: at once;
/// refused by the broker: after <see cref="OutboxOptions.MaxAttempts"/>) moves to <c>outbox_poison</c> with its reason
/// (<see cref="OutboxPoison"/>) and the rows behind it go on.
/// On a database several servers share, one dispatcher at a time holds the dispatch turn (a transaction-scoped lock the
/// database releases if its node dies), so each row is published once and in order; the others poll for the turn.
/// </summary>
public sealed class OutboxDispatcher(
    Database database,
    IBusControl bus,
    BusOptions busOptions,
    OutboxSignal signal,
    Microsoft.Extensions.Options.IOptions<OutboxOptions> outboxOptions,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    // Rows written on another node signal that node's dispatcher, not this one: poll for the turn often.
    private static readonly TimeSpan s_sharedPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>Ample for a confirmed publish to a live broker (milliseconds); short enough that an outage does not stall the outbox for long.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stuckPublishes = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var dispatched = await DispatchBatchAsync(stoppingToken);
                stuckPublishes = 0;
                if (dispatched == 0)
                {
                    await signal.WaitAsync(database.Shared ? s_sharedPoll : s_poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException ex) when (busOptions.Transport == BusTransport.RabbitMq && ++stuckPublishes >= 2)
            {
                // RabbitMQ.Client 7.x can leave a publishing channel hung for good after a broker restart under load
                // (rabbitmq-dotnet-client #1928/#1930): consumers recover, publishes never complete. A fresh connection
                // cures it; the outbox keeps every row, so restarting the bus loses nothing. Still needed with MassTransit
                // 8.5.12 / RabbitMQ.Client 7.2.2 (2026-12): without the bounded publish the broker-restart test hung.
                logger.LogWarning(ex, "Publishing to RabbitMQ is stuck ({Count} timed-out publishes); restarting the bus connection", stuckPublishes);
                stuckPublishes = 0;
                await RestartBusAsync(stoppingToken);
            }
            catch (Exception ex)
            {
                // The broker may be away: keep the rows, try again shortly.
                logger.LogWarning(ex, "Outbox dispatch failed; retrying");
                await Task.Delay(s_poll, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RestartBusAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var stopTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            stopTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            await bus.StopAsync(stopTimeout.Token);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Stopping the bus for a restart did not finish cleanly; starting it anyway");
        }

        await bus.StartAsync(stoppingToken);
        logger.LogInformation("Bus restarted; resuming the outbox");
    }

    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        const string Pending = "SELECT seq, id, message_type, body, created_at, traceparent FROM outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT 200";
        (int Count, Exception? Failure) outcome;
        if (database.Shared)
        {
            // The failure is thrown after the commit, so the attempts recorded against the rows are kept.
            outcome = await database.InTransactionAsync(async (connection, tx) =>
                await database.Sql.TryTurnAsync(connection, tx, "outbox-dispatch")
                    ? await PublishAsync(
                        (await connection.QueryAsync<(long, string, string, string, string, string?)>(Pending, transaction: tx)).ToList(),
                        (published, poisoned, failed) => RecordAsync(connection, tx, published, poisoned, failed),
                        cancellationToken)
                    : (0, null));
            return outcome.Failure is null ? outcome.Count : Rethrow(outcome.Failure);
        }

        List<(long Seq, string Id, string Type, string Body, string CreatedAt, string? Traceparent)> rows;
        await using (var connection = await database.OpenAsync())
        {
            rows = (await connection.QueryAsync<(long, string, string, string, string, string?)>(Pending)).ToList();
        }

        outcome = await PublishAsync(
            rows,
            (published, poisoned, failed) => database.InTransactionAsync((connection, tx) => RecordAsync(connection, tx, published, poisoned, failed)),
            cancellationToken);
        return outcome.Failure is null ? outcome.Count : Rethrow(outcome.Failure);
    }

    private static int Rethrow(Exception failure)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure); // the loop backs off (or restarts the bus)
        return 0;
    }

    /// <summary>Publishes <paramref name="rows"/> in order and records the outcome; a batch where nothing went through returns the first failure.</summary>
    private async Task<(int Count, Exception? Failure)> PublishAsync(
        List<(long Seq, string Id, string Type, string Body, string CreatedAt, string? Traceparent)> rows,
        Func<List<long>, List<(long Seq, string Reason)>, List<(long Seq, Exception Error)>, Task> record,
        CancellationToken cancellationToken)
    {
        // Publish in order, then mark the whole batch in one write: a write per row would queue behind every consumer
        // transaction for SQLite's single write lock. Rows published before a failure are still marked. A row that
        // cannot be published is passed over (and set aside once it has failed often enough) so it cannot hold up the rest.
        var published = new List<long>(rows.Count);
        var poisoned = new List<(long Seq, string Reason)>();
        var failed = new List<(long Seq, Exception Error)>();
        try
        {
            foreach (var (seq, id, typeName, body, createdAt, traceparent) in rows)
            {
                if (Outbox.Resolve(typeName) is not { } type)
                {
                    poisoned.Add((seq, $"unknown message type {typeName}"));
                    continue;
                }

                object message;
                try
                {
                    message = System.Text.Json.JsonSerializer.Deserialize(body, type, Json.Options)
                        ?? throw new System.Text.Json.JsonException("the body is null");
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or ArgumentException)
                {
                    poisoned.Add((seq, $"the body cannot be read as {typeName}: {ex.Message}"));
                    continue;
                }

                var messageId = Guid.Parse(id);
                // Bounded: a publish caught by a broker restart can wait forever on the dead channel. Timing out fails the
                // batch; the loop retries the rest on the reconnected bus (a repeat carries the same MessageId).
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(PublishTimeout);
                try
                {
                    // Published inside the trace the row was written in: MassTransit's send span, and the consumer's
                    // span on the far side, join it.
                    using (Telemetry.OrchestratorTelemetry.StartSpan("outbox publish", traceparent, System.Diagnostics.ActivityKind.Producer))
                    {
                        await bus.Publish(message, type, context => context.MessageId = messageId, timeout.Token);
                    }

                    published.Add(seq);
                    Telemetry.OrchestratorTelemetry.OutboxLag.Record(
                        Math.Max(0, (clock.GetUtcNow() - Timestamps.Parse(createdAt)).TotalSeconds), new KeyValuePair<string, object?>("message_type", type.Name));
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failed.Add((seq, ex));
                    // A timed-out publish is the hung-channel signature, and two failures with nothing published look like
                    // the broker, not the row: stop and let the loop back off or reconnect.
                    if (ex is OperationCanceledException || (failed.Count >= 2 && published.Count == 0))
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            // A failure only counts against a row when other rows went through: during an outage every row fails, and
            // none of them is to blame.
            var blamed = published.Count > 0 ? failed.Where(f => f.Error is not OperationCanceledException).ToList() : [];
            if (published.Count > 0 || poisoned.Count > 0 || blamed.Count > 0)
            {
                await record(published, poisoned, blamed);
            }
        }

        return published.Count == 0 && failed.Count > 0 ? (0, failed[0].Error) : (published.Count + poisoned.Count, null);
    }

    private async Task RecordAsync(
        System.Data.IDbConnection connection, System.Data.IDbTransaction tx, List<long> published, List<(long Seq, string Reason)> poisoned, List<(long Seq, Exception Error)> failed)
    {
        {
            var now = Timestamps.ToText(clock.GetUtcNow());
            if (published.Count > 0)
            {
                // A published row has done its work (consumers dedup on its id through their inbox): deleting it keeps
                // the outbox as small as what is still to send. Kept, marked, only when asked to (Outbox:KeepDispatched).
                var seqs = SqlDialect.Of(connection).In("seq", "@Seqs");
                await connection.ExecuteAsync(
                    outboxOptions.Value.KeepDispatched ? $"UPDATE outbox SET dispatched_at = @Now WHERE {seqs}" : $"DELETE FROM outbox WHERE {seqs}",
                    new { Now = now, Seqs = published.ToArray() }, tx);
            }

            foreach (var (seq, error) in failed)
            {
                var reason = $"publish failed: {error.GetType().Name}: {error.Message}";
                var attempts = await connection.ExecuteScalarAsync<long>(
                    """
                    INSERT INTO outbox_failures (seq, attempts, last_error, last_at) VALUES (@seq, 1, @reason, @now)
                    ON CONFLICT (seq) DO UPDATE SET attempts = outbox_failures.attempts + 1, last_error = excluded.last_error, last_at = excluded.last_at
                    RETURNING attempts
                    """,
                    new { seq, reason, now }, tx);
                if (attempts >= Math.Max(1, outboxOptions.Value.MaxAttempts))
                {
                    poisoned.Add((seq, $"{reason} ({attempts} attempts)"));
                }
            }

            foreach (var (seq, reason) in poisoned)
            {
                logger.LogError("Outbox row {Seq} cannot be published and is set aside: {Reason}", seq, reason);
                await connection.ExecuteAsync(
                    """
                    INSERT INTO outbox_poison (seq, id, message_type, body, created_at, attempts, reason, poisoned_at)
                    SELECT o.seq, o.id, o.message_type, o.body, o.created_at, COALESCE(f.attempts, 1), @reason, @now
                    FROM outbox o LEFT JOIN outbox_failures f ON f.seq = o.seq WHERE o.seq = @seq
                    ON CONFLICT (seq) DO NOTHING
                    """,
                    new { seq, reason, now }, tx);
                await connection.ExecuteAsync("DELETE FROM outbox WHERE seq = @seq", new { seq }, tx);
                await connection.ExecuteAsync("DELETE FROM outbox_failures WHERE seq = @seq", new { seq }, tx);
            }
        }
    }
}
