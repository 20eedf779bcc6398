using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>
/// Publishes committed outbox rows to the bus, oldest first, and marks them dispatched. A crash between publish and
/// mark re-publishes the row: consumers dedup on the MessageId, which is the row id.
/// </summary>
public sealed class OutboxDispatcher(
    SqliteDatabase database,
    IBus bus,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchBatchAsync(stoppingToken) == 0)
                {
                    await signal.WaitAsync(s_poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The broker may be away: keep the rows, try again shortly.
                logger.LogWarning(ex, "Outbox dispatch failed; retrying");
                await Task.Delay(s_poll, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        List<(long Seq, string Id, string Type, string Body)> rows;
        await using (var connection = database.Open())
        {
            rows = (await connection.QueryAsync<(long, string, string, string)>(
                "SELECT seq, id, message_type, body FROM outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT 200")).ToList();
        }

        // Publish in order, then mark the whole batch in one write: a write per row would queue behind every consumer
        // transaction for SQLite's single write lock. Rows published before a failure are still marked.
        var published = new List<long>(rows.Count);
        try
        {
            foreach (var (seq, id, typeName, body) in rows)
            {
                var type = Outbox.Resolve(typeName);
                if (type is null)
                {
                    logger.LogError("Outbox row {Seq} has unknown message type {Type}; left undispatched", seq, typeName);
                    continue;
                }

                var message = System.Text.Json.JsonSerializer.Deserialize(body, type, Json.Options)!;
                var messageId = Guid.Parse(id);
                await bus.Publish(message, type, context => context.MessageId = messageId, cancellationToken);
                published.Add(seq);
            }
        }
        finally
        {
            if (published.Count > 0)
            {
                await using var connection = database.Open();
                await connection.ExecuteAsync(
                    "UPDATE outbox SET dispatched_at = @Now WHERE seq IN @Seqs", new { Now = Timestamps.ToText(clock.GetUtcNow()), Seqs = published });
            }
        }

        return rows.Count;
    }
}
