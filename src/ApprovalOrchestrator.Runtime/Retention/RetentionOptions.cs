namespace ApprovalOrchestrator.Runtime.Retention;

/// <summary>
/// <c>Retention:*</c>: how long bookkeeping rows are kept (docs/operations in README). The audit trail, instances and
/// poisoned outbox rows are never purged here. Zero or negative turns a purge off.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Refusal rows (<c>security_events</c>), by their last occurrence.</summary>
    public TimeSpan SecurityEvents { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Inbox rows (message ids already handled). Older redeliveries find a state that moved on and change nothing.</summary>
    public TimeSpan Inbox { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Outbox rows already published, kept only with <c>Outbox:KeepDispatched</c> (undispatched rows are never purged).</summary>
    public TimeSpan DispatchedOutbox { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Budget counters, by the start of their window (a day's counter is read only on that UTC day).</summary>
    public TimeSpan BudgetCounters { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the purge runs (also once at start).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per transaction, so a large purge never holds the write lock for long.</summary>
    public int BatchSize { get; set; } = 5000;
}
