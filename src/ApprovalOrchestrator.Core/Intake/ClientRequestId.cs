namespace ApprovalOrchestrator.Core.Intake;

/// <summary>
/// The client's idempotency key (the wire field <c>requestId</c>), unique per requester; chosen by the integrating system,
/// never by us. Not the orchestrator's <see cref="Workflow.InstanceId"/>.
/// </summary>
public readonly record struct ClientRequestId(string Value)
{
    public override string ToString() => Value;
}
