namespace ApprovalOrchestrator.Runtime.Identity;

/// <summary><c>SecurityLog:*</c>: how refusals are queued and written (docs/auth.md).</summary>
public sealed class SecurityLogOptions
{
    public const string Section = "SecurityLog";

    /// <summary>Events held in memory before they are written; beyond it, events are counted, not kept.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>How often the queue is written: identical events within one window become one row with a count.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);
}
