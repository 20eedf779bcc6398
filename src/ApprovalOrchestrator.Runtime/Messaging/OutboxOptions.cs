namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary><c>Outbox:*</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Failed publishes of one row (while other rows go through) before it is set aside as poison.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Keep published rows (marked <c>dispatched_at</c>, purged after <c>Retention:DispatchedOutbox</c>) to inspect what was
    /// sent. Off by default: a published row is deleted in the write that records the publish, so a pending request
    /// leaves no copy of its messages behind.
    /// </summary>
    public bool KeepDispatched { get; set; }
}
