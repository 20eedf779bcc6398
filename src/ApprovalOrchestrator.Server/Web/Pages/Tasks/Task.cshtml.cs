using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Approvals;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Tasks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Web.Pages.Tasks;

/// <summary>
/// One task, as the approver decides on it. The form carries the action hash shown on this page, so a decision on an
/// action that changed since is refused (stale) exactly as over the API. Refusals come back as messages on this page.
/// </summary>
public sealed class TaskModel(RequestQueries queries, DelegationStore delegations, WorkflowEngine engine, IOptions<ApprovalsOptions> approvals) : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public string? ActionHash { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    public TaskView Task { get; private set; } = null!;

    public WorkflowInstance Instance { get; private set; } = null!;

    public ClassificationResult? Classification => Instance.Classification;

    public bool OwnRequest => Instance.Request.Requester == Me.User;

    public bool IsOpen => Task.Status == "open";

    public bool ClaimedByOther => Task.Claim is { } c && c.By != Me.User;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public Task<IActionResult> OnPostApproveAsync() => DecideAsync(Verdict.Approve);

    public Task<IActionResult> OnPostRejectAsync() => DecideAsync(Verdict.Reject);

    public async Task<IActionResult> OnPostClaimAsync()
    {
        if (await LoadAsync() is { } stop)
        {
            return stop;
        }

        var granted = await delegations.AuthoritiesAsync(Me.User);
        var step = await engine.ApplyAsync(Instance.Id, (_, _) => new TaskClaimed(Id, Me.User, Me.Groups, approvals.Value.ClaimDuration, granted), cancellationToken: HttpContext.RequestAborted);
        return await AfterAsync(step, $"You claimed this task for {approvals.Value.ClaimDuration.TotalMinutes:0} minutes: others see that you are reviewing it.");
    }

    public async Task<IActionResult> OnPostReleaseAsync()
    {
        if (await LoadAsync() is { } stop)
        {
            return stop;
        }

        var step = await engine.ApplyAsync(Instance.Id, (_, _) => new ClaimReleased(Id, Me.User), cancellationToken: HttpContext.RequestAborted);
        return await AfterAsync(step, "You released your claim.");
    }

    private async Task<IActionResult> DecideAsync(Verdict verdict)
    {
        if (await LoadAsync() is { } stop)
        {
            return stop;
        }

        // The rules every way of deciding shares (HTTP API, bus, here).
        var (_, errors) = Runtime.Approvals.TaskDecisions.Validate(verdict == Verdict.Approve ? "approve" : "reject", Comment, null, ActionHash);
        if (errors.Count > 0)
        {
            return Refused(errors[0].Field == "comment" && verdict == Verdict.Reject && string.IsNullOrWhiteSpace(Comment)
                ? "To reject, say why in the comment."
                : $"The {errors[0].Field} {errors[0].Message}");
        }

        var step = await TaskEndpoints.Decide(engine, delegations, Me, Instance.Id, Id, Guid.NewGuid().ToString("N"), verdict, Comment, ActionHash!, HttpContext.RequestAborted);
        if (step is { Outcome: StepOutcome.Applied })
        {
            Flash = verdict == Verdict.Approve ? "You approved this request." : "You rejected this request.";
            FlashIsError = false;
            return LocalRedirect($"/requests/{Instance.Id}");
        }

        return await AfterAsync(step, "Nothing changed: your decision was already recorded.");
    }

    /// <summary>Back to this task with a message: what was done, or why it was refused.</summary>
    private async Task<IActionResult> AfterAsync(StepResult? step, string done)
    {
        if (step is { Outcome: StepOutcome.Refused } refused)
        {
            var message = refused.Refusal switch
            {
                RefusalReason.Closed => "This task is already decided or closed; nothing was recorded. " + refused.Message,
                RefusalReason.StaleAction => "The action changed since this page was loaded: review it again below, then decide. Nothing was recorded.",
                RefusalReason.ClaimedByOther => "Someone else is reviewing this task (claimed). " + refused.Message,
                RefusalReason.SelfApproval => "You submitted this request: you cannot decide on it. " + refused.Message,
                RefusalReason.NotInGroup => "This task is not for you: you are not in its group, nor delegated. " + refused.Message,
                _ => refused.Message ?? "Refused.",
            };
            if (refused.Refusal is RefusalReason.SelfApproval or RefusalReason.NotInGroup)
            {
                await RecordRefusalAsync(refused.Message ?? message);
            }

            return Refused(message);
        }

        Flash = done;
        FlashIsError = false;
        return LocalRedirect($"/tasks/{Id}");
    }

    private IActionResult Refused(string message)
    {
        Flash = message;
        FlashIsError = true;
        return LocalRedirect($"/tasks/{Id}");
    }

    /// <summary>Loads the task; null to go on, or the page to show instead (not found, not for this person).</summary>
    private async Task<IActionResult?> LoadAsync()
    {
        if (await queries.GetTaskAsync(Id) is not { } found)
        {
            return NotFoundPage($"There is no task {Id}.");
        }

        (Task, Instance) = found;
        if (OwnRequest || await TaskEndpoints.MayActAsync(Me, Instance, Id, delegations))
        {
            return null;
        }

        if (DelegationGraph.TieToRequester(Instance.Request.Requester, Me.User, await delegations.AuthoritiesAsync(Me.User)) is { } tie)
        {
            return await ForbiddenPageAsync($"You hold authority through a delegation chain that includes the requester ({string.Join(" → ", tie)}): you cannot review or decide on their request.");
        }

        return await ForbiddenPageAsync($"This task waits for group {Task.Group}{(Task.AssignedTo is { } a ? $" (assigned to {a})" : "")}; you are not in it, nor delegated by someone who is.");
    }
}
