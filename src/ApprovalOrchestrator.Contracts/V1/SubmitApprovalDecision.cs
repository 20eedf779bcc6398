namespace ApprovalOrchestrator.Contracts.V1;

/// <summary>
/// Command from a trusted bridge (chat-ops, email): an approver decided a task announced by <see cref="ApprovalRequested"/>.
/// The bridge vouches for the approver's identity and groups; the audit records the decision as not authenticated by the
/// orchestrator itself. Consumed on <c>ao-decisions</c>. A refused decision (task closed, approver not in the task's group,
/// self-approval) is logged and acknowledged, and publishes nothing.
/// </summary>
/// <param name="TaskId">The task, as in <see cref="ApprovalRequested.TaskId"/>.</param>
/// <param name="DecisionId">The bridge's id for this decision (1-200 characters): the same id twice counts once.</param>
/// <param name="Approver">Who decided.</param>
/// <param name="ApproverGroups">The groups the bridge vouches the approver belongs to.</param>
/// <param name="Decision"><c>approve</c> or <c>reject</c>.</param>
/// <param name="Comment">Why, at most 4000 characters.</param>
/// <param name="ActionHash">
/// The task's action hash as shown to the approver (<see cref="ApprovalRequested.ActionHash"/>): the decision is refused
/// (logged, acknowledged) unless the task is still for exactly that action. Null means not checked, which is weaker: the
/// approver may have been shown a different action than the one approved. Bridges should always send it.
/// </param>
public sealed record SubmitApprovalDecision(
    Guid TaskId,
    string DecisionId,
    string Approver,
    IReadOnlyList<string> ApproverGroups,
    string Decision,
    string? Comment,
    string? ActionHash = null);
