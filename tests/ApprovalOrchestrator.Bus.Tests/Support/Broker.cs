using ApprovalOrchestrator.Runtime.Messaging;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>The broker under test. These tests exist to prove behaviour on a real RabbitMQ, so no broker is a failure, not a skip.</summary>
internal static class Broker
{
    public static string Url =>
        Environment.GetEnvironmentVariable("RABBITMQ_URL") is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException(
                "RABBITMQ_URL is not set. These tests need a real RabbitMQ broker: set RABBITMQ_URL (e.g. amqp://guest:guest@127.0.0.1:5672/) or run scripts/test.sh, which starts one.");

    /// <summary>A fresh name prefix, so each test class has its own queues and exchanges on the shared broker.</summary>
    public static string NewPrefix() => $"t{Guid.NewGuid():N}"[..9] + "-";

    public static RabbitMqBusOptions Options(string prefix) => new() { Url = Url, Prefix = prefix };

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Settings for a server run as a child process on this broker, with <paramref name="prefix"/>, a SQLite file and a (fake) Gateway.</summary>
    public static Dictionary<string, string?> ServerSettings(string prefix, string databasePath, string gatewayUrl, string gatewayToken) => new()
    {
        ["ConnectionStrings:Approvals"] = $"Data Source={databasePath}",
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMq:Url"] = Url,
        ["Bus:RabbitMq:Prefix"] = prefix,
        ["Gateway:BaseUrl"] = gatewayUrl,
        ["Gateway:Token"] = gatewayToken,
        ["Gateway:RetryBaseDelay"] = "00:00:00.050",
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
