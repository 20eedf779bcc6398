namespace ApprovalOrchestrator.Testing.ScaleOut;

/// <summary>The broker several server processes share. No broker is a failure, not a skip: scripts/test.sh starts one.</summary>
public static class RabbitMqUrl
{
    public const string Variable = "RABBITMQ_URL";

    public static string Required =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException(
                $"{Variable} is not set. This needs a real RabbitMQ broker: set {Variable} (e.g. amqp://guest:guest@127.0.0.1:5672/) or run scripts/test.sh, which starts one.");

    /// <summary>A fresh name prefix, so a run has its own queues and exchanges on the shared broker.</summary>
    public static string NewPrefix(string stem) => $"{stem}{Guid.NewGuid():N}"[..(stem.Length + 8)] + "-";
}
