namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// The orchestrator's id of one workflow instance (what <c>/api/requests/{id}</c> and the bus events' <c>InstanceId</c>
/// carry). Not the client's <see cref="Intake.ClientRequestId"/>: the two were both called "request id" and got mixed up.
/// </summary>
public readonly record struct InstanceId(Guid Value)
{
    public override string ToString() => Value.ToString();
}
