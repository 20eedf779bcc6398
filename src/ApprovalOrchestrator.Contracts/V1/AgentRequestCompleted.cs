namespace ApprovalOrchestrator.Contracts.V1;

/// <summary>
/// Event: a request reached its final status (executed, dry-run, rejected, expired, blocked, failed, needs-review).
/// Published once per request, after the final step commits, under one MessageId; delivery is at least once (a crash
/// between the broker's confirm and marking the outbox row repeats it with the same MessageId), so deduplicate by MessageId.
/// </summary>
/// <param name="InstanceId">The request's orchestrator id.</param>
/// <param name="RequestId">The integrating system's idempotency key.</param>
/// <param name="Status">The final status (kebab-case).</param>
/// <param name="Risk">green, amber or red (null if never classified).</param>
/// <param name="Reason">Why it ended this way (policy reason, rejection comment, Gateway error).</param>
/// <param name="Decisions">Every approval decision, in order.</param>
/// <param name="Outcome">The execution outcome document as JSON (Gateway response, or the request a dry-run would send); null when nothing ran.</param>
/// <param name="WorkflowId">The definition the request ran under.</param>
/// <param name="WorkflowVersion">Its pinned version.</param>
/// <param name="WorkflowHash">Its content hash.</param>
/// <param name="CompletedAt">When the final step committed.</param>
public sealed record AgentRequestCompleted(
    Guid InstanceId,
    string RequestId,
    string Status,
    string? Risk,
    string? Reason,
    IReadOnlyList<DecisionSummary> Decisions,
    string? Outcome,
    string WorkflowId,
    int WorkflowVersion,
    string WorkflowHash,
    DateTimeOffset CompletedAt);

/// <summary>One approver's decision, as summarised on completion.</summary>
/// <param name="Actor">Who decided.</param>
/// <param name="Verdict">approve or reject.</param>
/// <param name="Group">The group the task was in when they decided.</param>
/// <param name="Comment">Their comment, if any.</param>
/// <param name="At">When.</param>
public sealed record DecisionSummary(string Actor, string Verdict, string Group, string? Comment, DateTimeOffset At);
