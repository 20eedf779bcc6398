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
    IBusControl bus,
    BusOptions busOptions,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(1);

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
                    await signal.WaitAsync(s_poll, stoppingToken);
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
                // cures it; the outbox keeps every row, so restarting the bus loses nothing.
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
                // Bounded: a publish caught by a broker restart can wait forever on the dead channel. Timing out fails the
                // batch; the loop retries the rest on the reconnected bus (a repeat carries the same MessageId).
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(PublishTimeout);
                await bus.Publish(message, type, context => context.MessageId = messageId, timeout.Token);
                published.Add(seq);
            }
        }
        finally
        {
            if (published.Count > 0)
            {
                await database.InTransactionAsync((connection, tx) => connection.ExecuteAsync(
                    "UPDATE outbox SET dispatched_at = @Now WHERE seq IN @Seqs", new { Now = Timestamps.ToText(clock.GetUtcNow()), Seqs = published }, tx));
            }
        }

        return rows.Count;
    }
}
