using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Approvals;

public sealed record BulkApproveInput(IReadOnlyList<BulkApproveItem>? Items, string? Comment);

public sealed record BulkApproveItem(Guid? TaskId, string? ActionHash);

/// <summary><see cref="Outcome"/>: approved, skipped, refused or not-found; <see cref="TaskStatus"/> after an approval (open while a quorum is incomplete).</summary>
public sealed record BulkItemResult(Guid TaskId, string Outcome, string? Reason, string? TaskStatus = null);

/// <summary>Each task's result, and the refusals the adapter records in the security log (not in the answer's shape).</summary>
public sealed record BulkApproval(IReadOnlyList<BulkItemResult> Results, IReadOnlyList<string> SecurityNotes)
{
    public int Approved => Results.Count(r => r.Outcome == "approved");
}

/// <summary>
/// "Approve up to 50 amber tasks at once" (<c>POST /api/tasks/bulk-approve</c>). Each is its own <see cref="DecideTask"/>
/// (own step, own audit event); red tasks are never bulk-approved and decided tasks are skipped.
/// </summary>
public sealed class BulkApprove(DecideTask decide, ITaskDirectory tasks)
{
    public const int MaxItems = 50;

    public static IReadOnlyList<FieldError> Validate(BulkApproveInput input)
    {
        var errors = new List<FieldError>();
        if (input.Items is not { Count: > 0 and <= MaxItems } items)
        {
            errors.Add(new("items", $"must hold 1-{MaxItems} tasks."));
        }
        else if (items.Any(i => i is null || i.TaskId is null || i.TaskId == Guid.Empty || string.IsNullOrWhiteSpace(i.ActionHash)))
        {
            errors.Add(new("items", "every item needs a taskId and the actionHash reviewed."));
        }

        return errors.AtMost("comment", input.Comment, DecideTask.MaxCommentLength);
    }

    public async Task<Result<BulkApproval>> HandleAsync(Actor who, BulkApproveInput input, CancellationToken cancellationToken = default)
    {
        if (Refusal.Check(Validate(input), who, UserRoles.Approver) is { } refused)
        {
            return refused;
        }

        var results = new List<BulkItemResult>();
        var notes = new List<string>();
        foreach (var item in input.Items!.DistinctBy(i => i.TaskId))
        {
            var taskId = item.TaskId!.Value;
            var instance = await tasks.LoadInstanceAsync(taskId);
            if (instance?.FindTask(taskId) is not { } task)
            {
                results.Add(new(taskId, "not-found", "No such task."));
                continue;
            }

            var risk = instance.Classification?.Risk;
            if (risk != RiskLevel.Amber)
            {
                results.Add(new(taskId, "skipped", $"Only amber tasks can be bulk-approved; this one is {risk?.ToString().ToLowerInvariant() ?? "unclassified"}."));
                continue;
            }

            if (task.Status != ApprovalTaskStatus.Open)
            {
                results.Add(new(taskId, "skipped", $"Already decided: the task is {task.Status.ToString().ToLowerInvariant()}."));
                continue;
            }

            var decided = await decide.HandleAsync(who, new DecisionInput(taskId, "approve", input.Comment, $"bulk-{Guid.NewGuid():N}", item.ActionHash), cancellationToken: cancellationToken);
            results.Add(decided switch
            {
                { Value: { Recorded: true } d } => new(taskId, "approved", null, d.Step!.State.FindTask(taskId)?.Status.ToString().ToLowerInvariant()),
                { Value: { } d } => new(taskId, "skipped", d.Step?.Message),
                { Refusal.Kind: RefusalKind.NotFound } => new(taskId, "not-found", "No such task."),
                { Refusal.Reason: RefusalReason.Closed } => new(taskId, "skipped", decided.Refusal!.Detail),
                _ => new(taskId, "refused", decided.Refusal!.Detail),
            });
            if (decided.Refusal is { IsSecurityEvent: true } recorded)
            {
                notes.Add($"bulk approve of task {taskId}: {recorded.Detail}");
            }
        }

        return new BulkApproval(results, notes);
    }
}
