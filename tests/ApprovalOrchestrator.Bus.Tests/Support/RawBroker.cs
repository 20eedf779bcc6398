using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>Plain AMQP (RabbitMQ.Client), below MassTransit: read error queues, publish bytes MassTransit would never produce, clean up.</summary>
internal sealed class RawBroker : IAsyncDisposable
{
    private readonly IConnection _connection;

    private RawBroker(IConnection connection) => _connection = connection;

    public sealed record RawMessage(string? MessageId, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.GetValueOrDefault(name);
    }

    /// <summary>Connects as the default test user, or with the credentials in <paramref name="url"/>.</summary>
    public static async Task<RawBroker> ConnectAsync(string? url = null) =>
        new(await new ConnectionFactory { Uri = new Uri(url ?? Broker.Url) }.CreateConnectionAsync(Broker.Ct));

    /// <summary>Takes every message now in <paramref name="queue"/> (acknowledging them); none if the queue does not exist yet.</summary>
    public async Task<IReadOnlyList<RawMessage>> DrainAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: Broker.Ct);
        var messages = new List<RawMessage>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: true, Broker.Ct) is { } result)
            {
                var headers = (result.BasicProperties.Headers ?? new Dictionary<string, object?>())
                    .ToDictionary(h => h.Key, h => h.Value switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        null => "",
                        var other => other.ToString() ?? "",
                    });
                messages.Add(new RawMessage(result.BasicProperties.MessageId, headers, Encoding.UTF8.GetString(result.Body.Span)));
            }
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            // Not declared yet: MassTransit declares an error queue when it first moves a message there.
        }

        return messages;
    }

    /// <summary>Collects messages from <paramref name="queue"/> until <paramref name="done"/> holds for what was collected.</summary>
    public async Task<IReadOnlyList<RawMessage>> CollectAsync(string queue, Func<IReadOnlyList<RawMessage>, bool> done, string what)
    {
        var collected = new List<RawMessage>();
        await Eventually.TrueAsync(async () =>
        {
            collected.AddRange(await DrainAsync(queue));
            return done(collected);
        }, what);
        return collected;
    }

    /// <summary>Messages ready in <paramref name="queue"/> (not counting those delivered and not yet acknowledged).</summary>
    public async Task<uint> MessageCountAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: Broker.Ct);
        return (await channel.QueueDeclarePassiveAsync(queue, Broker.Ct)).MessageCount;
    }

    public async Task PublishAsync(string exchange, string body, string? contentType, string messageId)
    {
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: Broker.Ct);
        var properties = new BasicProperties { ContentType = contentType, MessageId = messageId, Persistent = true };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, Encoding.UTF8.GetBytes(body), Broker.Ct);
    }

    /// <summary>Removes a test's queues and exchanges (all durable), so the shared broker does not fill with litter.</summary>
    public async Task DeleteAsync(IEnumerable<string> queues, IEnumerable<string> exchanges)
    {
        foreach (var name in queues)
        {
            await using var channel = await _connection.CreateChannelAsync(cancellationToken: CancellationToken.None);
            await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false, cancellationToken: CancellationToken.None);
        }

        foreach (var name in exchanges)
        {
            await using var channel = await _connection.CreateChannelAsync(cancellationToken: CancellationToken.None);
            await channel.ExchangeDeleteAsync(name, ifUnused: false, cancellationToken: CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
