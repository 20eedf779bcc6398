namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>Configuration section <c>Bus</c>: which transport carries the messages between the pieces.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary><see cref="BusTransport.InMemory"/> (embedded, the default) or <see cref="BusTransport.RabbitMq"/>.</summary>
    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    public RabbitMqBusOptions RabbitMq { get; set; } = new();

    /// <summary>Bridges allowed to vouch for approvers in <c>SubmitApprovalDecision</c>, by name (docs/bus.md).</summary>
    public Dictionary<string, Approvals.BridgeOptions> Bridges { get; set; } = new(StringComparer.Ordinal);
}

public enum BusTransport
{
    InMemory,
    RabbitMq,
}

/// <summary>Configuration section <c>Bus:RabbitMq</c>.</summary>
public sealed class RabbitMqBusOptions
{
    /// <summary><c>amqp://user:password@host:port/vhost</c> (or <c>amqps://</c>). The password is never logged.</summary>
    public string Url { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>
    /// Prepended to every queue and exchange this process declares, so several deployments or test runs can share one
    /// virtual host without seeing each other's messages. Empty in production: use a virtual host per environment there.
    /// </summary>
    public string Prefix { get; set; } = "";

    /// <summary>
    /// Unacknowledged messages per queue. SQLite takes one writer at a time and a step is a few milliseconds, so a small
    /// window keeps a 2-core box busy without piling up retries behind the write lock.
    /// </summary>
    public ushort PrefetchCount { get; set; } = 16;
}
