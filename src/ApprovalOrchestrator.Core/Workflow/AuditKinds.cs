namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>The audit trail's event kinds, one per workflow step.</summary>
public static class AuditKinds
{
    public const string Received = "received";
    public const string Classified = "classified";
    public const string TaskOpened = "task-opened";
    public const string Escalated = "escalated";
    public const string Decision = "decision";
    public const string Expired = "expired";
    public const string ExecutionStarted = "execution-started";
    public const string ExecutionInterrupted = "execution-interrupted";
    public const string ExecutionFinished = "execution-finished";
    public const string Completed = "completed";
    public const string Claimed = "claimed";
    public const string Released = "released";
    public const string Reassigned = "reassigned";
    public const string Withdrawn = "withdrawn";
    public const string ExecutionHalted = "execution-halted";
    public const string ExecutionReleased = "execution-released";
}

/// <summary>Actors that are not people.</summary>
public static class SystemActors
{
    public const string Intake = "system:intake";
    public const string Policy = "system:policy";
    public const string Timer = "system:timer";
    public const string Executor = "system:executor";
}
