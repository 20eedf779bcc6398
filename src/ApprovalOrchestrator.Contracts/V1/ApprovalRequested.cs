namespace ApprovalOrchestrator.Contracts.V1;

/// <summary>
/// Event: an approval task was opened or escalated to a new tier. For notification bridges (chat, email):
/// tell <see cref="Group"/> that a decision is needed before <see cref="DueAt"/>.
/// </summary>
/// <param name="InstanceId">The request's orchestrator id.</param>
/// <param name="RequestId">The integrating system's idempotency key.</param>
/// <param name="TaskId">The task to decide (stable across escalation).</param>
/// <param name="Group">The group that must decide now.</param>
/// <param name="Tier">0 for the first tier; higher after escalation.</param>
/// <param name="RequiredApprovals">Distinct approvals needed at this tier.</param>
/// <param name="DueAt">When the task escalates further or expires.</param>
/// <param name="Risk">green, amber or red.</param>
/// <param name="Reason">Why the policy asked for approval.</param>
/// <param name="Text">The request text, redacted for notification channels.</param>
/// <param name="Requester">Who asked.</param>
/// <param name="AgentId">The agent that would act.</param>
/// <param name="Escalated">True when this tier was reached by escalation.</param>
/// <param name="ActionHash">
/// SHA-256 of (agent, text, tool, args, definition version hash): what the approver is deciding on. Send it back in
/// <see cref="SubmitApprovalDecision.ActionHash"/> to bind the decision to this exact action. Always set by the orchestrator.
/// </param>
public sealed record ApprovalRequested(
    Guid InstanceId,
    string RequestId,
    Guid TaskId,
    string Group,
    int Tier,
    int RequiredApprovals,
    DateTimeOffset DueAt,
    string Risk,
    string Reason,
    string Text,
    string Requester,
    string AgentId,
    bool Escalated,
    string? ActionHash = null);
