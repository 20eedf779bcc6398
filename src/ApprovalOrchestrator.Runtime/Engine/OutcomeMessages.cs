using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>Builds the integration events from committed state.</summary>
internal static class OutcomeMessages
{
    public static AgentRequestAccepted Accepted(WorkflowInstance state) =>
        new(state.Id, state.Request.ClientRequestId, state.Status.ToWire(), Duplicate: false);

    public static ApprovalRequested ApprovalRequested(WorkflowInstance state, Guid taskId)
    {
        var task = state.FindTask(taskId)!;
        return new ApprovalRequested(
            state.Id,
            state.Request.ClientRequestId,
            task.Id,
            task.Group,
            task.Tier,
            task.RequiredApprovals,
            task.DueAt,
            Risk(state) ?? "unknown",
            state.Classification?.Reason ?? string.Empty,
            Redactor.Redact(state.Request.Text),
            state.Request.Requester,
            state.Request.AgentId,
            task.Tier > 0,
            task.ActionHash);
    }

    public static AgentRequestCompleted Completed(WorkflowInstance state, DateTimeOffset now)
    {
        var decisions = state.Tasks
            .SelectMany(t => t.Decisions.Select(d => new DecisionSummary(d.Actor, d.Verdict.ToString().ToLowerInvariant(), d.Group, d.Comment, d.At)))
            .OrderBy(d => d.At)
            .ToList();
        return new AgentRequestCompleted(
            state.Id,
            state.Request.ClientRequestId,
            state.Status.ToWire(),
            Risk(state),
            Reason(state),
            decisions,
            state.Execution?.Result?.Outcome.GetRawText(),
            state.Definition.Id,
            state.Definition.Version,
            state.Definition.Hash,
            now);
    }

    /// <summary>Why the request ended as it did, for people reading the event.</summary>
    public static string? Reason(WorkflowInstance state) => state.Status switch
    {
        InstanceStatus.Rejected => state.Tasks.SelectMany(t => t.Decisions).LastOrDefault(d => d.Verdict == Verdict.Reject)?.Comment
            ?? (state.Classification is { Budget.IsRejected: true } c ? c.Reason : "Rejected by an approver."),
        InstanceStatus.Expired => "No decision before the last tier's timeout; auto-rejected.",
        InstanceStatus.Failed => state.Execution?.Result?.Error,
        InstanceStatus.Withdrawn => "Withdrawn by the requester.",
        InstanceStatus.NeedsReview => state.Execution?.Result is { Error: { } error }
            ? $"The tool call may have run: {error} It is never re-sent automatically; a person must check."
            : "Execution was interrupted; a tool invocation is never re-sent automatically.",
        _ => state.Classification?.Reason,
    };

    private static string? Risk(WorkflowInstance state) => state.Classification?.Risk.ToString().ToLowerInvariant();
}
