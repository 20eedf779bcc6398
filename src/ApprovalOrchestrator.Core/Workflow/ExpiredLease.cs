namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// The lease of an execution whose owner stopped heartbeating, claimed by the run taking it over.
/// <see cref="ExpiresAt"/> and <see cref="LastHeartbeatAt"/> are null for a start recorded by a release without leases.
/// </summary>
public sealed record ExpiredLease(string Owner, DateTimeOffset? ExpiresAt, DateTimeOffset? LastHeartbeatAt);
