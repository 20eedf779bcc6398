namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>
/// How a step hands on to the next piece. With <c>Engine:LocalHandoff</c> (the default), a node that has the next
/// piece's role does it itself instead of sending itself a message: intake classifies in the submit's own transaction,
/// and a step that asks for an execution records its start (lease included) in its own commit, the Gateway call
/// following in this process right after it (<see cref="WorkflowEngine"/>, StartInStepAsync). Nothing durable is skipped: the
/// committed state says what is due, and recovery nudges it over the bus if this process dies first. Off, every hop goes
/// through the outbox and the bus (as when the roles are split across processes).
/// </summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    public bool LocalHandoff { get; set; } = true;

    /// <summary>This process's node roles (<c>Roles</c>), filled from configuration at registration.</summary>
    public NodeRole Roles { get; set; } = NodeRole.All;

    public bool ClassifiesAtIntake => LocalHandoff && Roles.HasFlag(NodeRole.Intake | NodeRole.Classification);

    public bool ExecutesLocally => LocalHandoff && Roles.HasFlag(NodeRole.Execution);
}
