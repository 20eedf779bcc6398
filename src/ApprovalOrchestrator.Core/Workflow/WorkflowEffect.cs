namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// What a transition asks the shell to do, as data. The shell applies all of a step's effects in the same
/// database transaction as the new state (timers and messages through tables), and acts on them after commit.
/// </summary>
public abstract record WorkflowEffect;

/// <summary>Append to the instance's hash-chained audit trail.</summary>
public sealed record AppendAudit(string Kind, string Actor, IReadOnlyDictionary<string, object?> Data) : WorkflowEffect;

/// <summary>Arm a one-shot timer; <see cref="Token"/> identifies it and is what the firing must present.</summary>
public sealed record ArmTimer(Guid TaskId, string Token, DateTimeOffset DueAt) : WorkflowEffect;

public sealed record CancelTimer(string Token) : WorkflowEffect;

/// <summary>Ask the execution piece to carry the request out (it starts with <see cref="ExecutionStarting"/>).</summary>
public sealed record RequestExecution : WorkflowEffect;

/// <summary>Call the Gateway now, for this attempt: the start is committed, so a crash from here on is detectable.</summary>
public sealed record CallGateway(int Attempt, string IdempotencyKey) : WorkflowEffect;

/// <summary>A task was opened or escalated: tell the people (and notification bridges) who must act.</summary>
public sealed record NotifyApprovalRequested(Guid TaskId) : WorkflowEffect;

/// <summary>The request reached a final status: publish the outcome to integrating systems.</summary>
public sealed record NotifyCompleted : WorkflowEffect;

/// <summary>Add <see cref="Amount"/> to the agent's counter of <see cref="Metric"/> in the current window (see Budgets/BudgetUsage).</summary>
public sealed record ConsumeBudget(string AgentId, string Metric, long Amount) : WorkflowEffect;
