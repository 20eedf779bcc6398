namespace ApprovalOrchestrator.Contracts.V1;

/// <summary>
/// Command: an approver decided a task announced by <see cref="ApprovalRequested"/>. Consumed on <c>ao-decisions</c>.
/// It must carry a <see cref="BearerToken"/>: the approver's own (verified like an HTTP call; user and groups come from
/// it, audited as authenticated), or a bridge's configured under <c>Bus:Bridges</c> (it vouches for
/// <see cref="Approver"/> and <see cref="ApproverGroups"/> within what it is configured for; audited with its name).
/// Refusals (no or bad token, group, separation of duties, missing action hash, reject without comment) are security
/// events and fault the message with the reason; a decision that lost a race (task closed, action changed) is logged
/// and acknowledged. See docs/bus.md.
/// </summary>
/// <param name="TaskId">The task, as in <see cref="ApprovalRequested.TaskId"/>.</param>
/// <param name="DecisionId">The bridge's id for this decision (1-200 characters): the same id twice counts once.</param>
/// <param name="Approver">Who decided. With the approver's own token: optional, and must equal the token's subject.</param>
/// <param name="ApproverGroups">With a bridge token: the groups the bridge vouches the approver belongs to. Ignored with the approver's own token (its groups count).</param>
/// <param name="Decision"><c>approve</c> or <c>reject</c>.</param>
/// <param name="Comment">Why, at most 4000 characters.</param>
/// <param name="ActionHash">
/// The task's action hash as shown to the approver (<see cref="ApprovalRequested.ActionHash"/>): required; the decision is
/// refused (logged, acknowledged) unless the task is still for exactly that action.
/// </param>
/// <param name="BearerToken">The approver's bearer token (role approver), or the bridge's (role bridge). Required. Never logged.</param>
public sealed record SubmitApprovalDecision(
    Guid TaskId,
    string DecisionId,
    string Approver,
    IReadOnlyList<string> ApproverGroups,
    string Decision,
    string? Comment,
    string? ActionHash = null,
    string? BearerToken = null);
