namespace ApprovalOrchestrator.Contracts.V1;

/// <summary>
/// Event: a request was accepted and a workflow instance started for it. Published once per instance, from the same
/// transaction that created it (HTTP or bus submits alike). A duplicate submit (same requestId, same content) publishes nothing.
/// </summary>
/// <param name="InstanceId">The orchestrator's id for the request.</param>
/// <param name="RequestId">The integrating system's idempotency key.</param>
/// <param name="Status">The status at acceptance (<c>received</c>).</param>
/// <param name="Duplicate">Whether this answers a resubmission; false on the bus, where a resubmission is not announced again.</param>
public sealed record AgentRequestAccepted(Guid InstanceId, string RequestId, string Status, bool Duplicate);
