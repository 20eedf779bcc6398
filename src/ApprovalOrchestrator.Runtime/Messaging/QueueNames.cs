namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>
/// The queue of each piece, fixed so integrators and operators can rely on them (docs/bus.md). MassTransit adds
/// <c>_error</c> (faulted messages, with MT-Fault-* headers) and <c>_skipped</c> (messages no consumer understood) beside each.
/// </summary>
public static class QueueNames
{
    public const string Intake = "ao-intake";
    public const string Classify = "ao-classify";
    public const string Execute = "ao-execute";
    public const string Timers = "ao-timers";
    public const string Decisions = "ao-decisions";

    public const string ErrorSuffix = "_error";
    public const string SkippedSuffix = "_skipped";

    public static IReadOnlyList<string> All { get; } = [Intake, Classify, Execute, Timers, Decisions];
}
