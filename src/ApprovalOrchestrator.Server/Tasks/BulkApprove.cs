using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Approvals;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Tasks;

/// <summary>
/// <c>POST /api/tasks/bulk-approve</c>: approve up to 50 amber tasks at once. Each is its own decision (own step, own
/// audit event); red tasks are never bulk-approved and decided tasks are skipped; the answer reports each task.
/// </summary>
public static class BulkApprove
{
    public const int MaxItems = 50;

    public static async Task<IResult> HandleAsync(HttpRequest http, WorkflowEngine engine, RequestQueries queries, DelegationStore delegations)
    {
        var (body, problem) = await Problems.ReadJsonAsync<BulkBody>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Items is not { Count: > 0 and <= MaxItems } items)
        {
            return Problems.Validation([new("items", $"must hold 1-{MaxItems} tasks.")]);
        }

        if (items.Any(i => i.TaskId is null || string.IsNullOrWhiteSpace(i.ActionHash)))
        {
            return Problems.Validation([new("items", "every item needs a taskId and the actionHash reviewed.")]);
        }

        var caller = Caller.From(http.HttpContext.User);
        var results = new List<ItemResult>();
        foreach (var item in items.DistinctBy(i => i.TaskId))
        {
            var taskId = item.TaskId!.Value;
            var found = await queries.GetTaskAsync(taskId);
            if (found is null)
            {
                results.Add(new(taskId, "not-found", "No such task."));
                continue;
            }

            var (view, instance) = found.Value;
            if (view.Risk != "amber")
            {
                results.Add(new(taskId, "skipped", $"Only amber tasks can be bulk-approved; this one is {view.Risk}."));
                continue;
            }

            if (view.Status != "open")
            {
                results.Add(new(taskId, "skipped", $"Already decided: the task is {view.Status}."));
                continue;
            }

            var step = await TaskEndpoints.Decide(engine, delegations, caller, instance.Id, taskId, $"bulk-{Guid.NewGuid():N}", Verdict.Approve, body.Comment, item.ActionHash!, http.HttpContext.RequestAborted);
            results.Add(step switch
            {
                null => new(taskId, "not-found", "No such task."),
                { Outcome: StepOutcome.Applied } => new(taskId, "approved", null, step.State.FindTask(taskId)?.Status.ToString().ToLowerInvariant()),
                { Outcome: StepOutcome.Ignored } => new(taskId, "skipped", step.Message),
                { Refusal: RefusalReason.Closed } => new(taskId, "skipped", step.Message),
                _ => new(taskId, "refused", step.Message),
            });
            if (step is { Outcome: StepOutcome.Refused, Refusal: RefusalReason.NotInGroup or RefusalReason.SelfApproval })
            {
                await Refusals.ForbiddenAsync(http.HttpContext, $"bulk approve of task {taskId}: {step.Message}");
            }
        }

        return Results.Ok(new { results, approved = results.Count(r => r.Outcome == "approved") });
    }

    public sealed record BulkBody(IReadOnlyList<BulkItem>? Items, string? Comment);

    public sealed record BulkItem(Guid? TaskId, string? ActionHash);

    /// <summary><see cref="Outcome"/>: approved, skipped, refused or not-found; <see cref="TaskStatus"/> after an approval (open while a quorum is incomplete).</summary>
    public sealed record ItemResult(Guid TaskId, string Outcome, string? Reason, string? TaskStatus = null);
}
