namespace ApprovalOrchestrator.Runtime.Messaging;

// Commands between the orchestrator's own pieces. They carry only ids: the database holds the truth, and a
// consumer re-reads it, so a duplicate or stale message finds nothing to do.

/// <summary>Classify a received request against its pinned definition.</summary>
public sealed record ClassifyRequest(Guid InstanceId);

/// <summary>Carry out an approved (or green) request through the Gateway.</summary>
public sealed record ExecuteRequest(Guid InstanceId);

/// <summary>
/// A Quartz timer fired for a task; acts only if the task still waits on <see cref="Token"/>, the timer is due, and
/// <see cref="Key"/> is the random firing key stored with the timer (only the Quartz job carries it).
/// </summary>
public sealed record TimerFired(Guid InstanceId, Guid TaskId, string Token, string? Key = null);
