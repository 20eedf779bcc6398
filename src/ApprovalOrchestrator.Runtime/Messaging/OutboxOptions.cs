namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary><c>Outbox:*</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Failed publishes of one row (while other rows go through) before it is set aside as poison.</summary>
    public int MaxAttempts { get; set; } = 5;
}
