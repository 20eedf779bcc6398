using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Requests;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages.Tasks;

/// <summary>
/// One task, as the approver decides on it. The form carries the action hash shown on this page, so a decision on an
/// action that changed since is refused (stale) exactly as over the API. Refusals come back as messages on this page.
/// </summary>
/// <remarks>An adapter: the form posts go to the same use cases as the API (Application/Approvals); this page only words the answers.</remarks>
public sealed class TaskModel(RequestQueries queries, TaskVisibility visibility, DecideTask decide, ClaimTask claim, ReleaseClaim release) : ConsolePage
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

        var claimed = await claim.HandleAsync(Me.AsActor(), Id, HttpContext.RequestAborted);
        return await AfterAsync(claimed.Refusal, $"You claimed this task for {claimed.Value?.Duration.TotalMinutes:0} minutes: others see that you are reviewing it.");
    }

    public async Task<IActionResult> OnPostReleaseAsync()
    {
        if (await LoadAsync() is { } stop)
        {
            return stop;
        }

        var released = await release.HandleAsync(Me.AsActor(), Id, HttpContext.RequestAborted);
        return await AfterAsync(released.Refusal, "You released your claim.");
    }

    private async Task<IActionResult> DecideAsync(Verdict verdict)
    {
        if (await LoadAsync() is { } stop)
        {
            return stop;
        }

        var input = new DecisionInput(Id, verdict == Verdict.Approve ? "approve" : "reject", Comment, null, ActionHash);
        var decided = await decide.HandleAsync(Me.AsActor(), input, cancellationToken: HttpContext.RequestAborted);
        if (decided.Value is { Recorded: true })
        {
            Flash = verdict == Verdict.Approve ? "You approved this request." : "You rejected this request.";
            FlashIsError = false;
            return LocalRedirect($"/requests/{Instance.Id}");
        }

        return await AfterAsync(decided.Refusal, "Nothing changed: your decision was already recorded.");
    }

    /// <summary>Back to this task with a message: what was done, or why it was refused (in words for a person).</summary>
    private async Task<IActionResult> AfterAsync(Refusal? refusal, string done)
    {
        if (refusal is not null)
        {
            var message = refusal switch
            {
                { Kind: RefusalKind.Invalid, Errors: [{ Field: "comment" } e, ..] } when e.Message.StartsWith("is required", StringComparison.Ordinal) => "To reject, say why in the comment.",
                { Kind: RefusalKind.Invalid, Errors: [var first, ..] } => $"The {first.Field} {first.Message}",
                { Reason: RefusalReason.Closed } => "This task is already decided or closed; nothing was recorded. " + refusal.Detail,
                { Reason: RefusalReason.StaleAction } => "The action changed since this page was loaded: review it again below, then decide. Nothing was recorded.",
                { Reason: RefusalReason.ClaimedByOther } => "Someone else is reviewing this task (claimed). " + refusal.Detail,
                { Reason: RefusalReason.SelfApproval } => "You submitted this request: you cannot decide on it. " + refusal.Detail,
                { Reason: RefusalReason.NotInGroup } => "This task is not for you: you are not in its group, nor delegated. " + refusal.Detail,
                _ => refusal.Detail,
            };
            if (refusal.IsSecurityEvent)
            {
                await RecordRefusalAsync(refusal.SecurityNote ?? refusal.Detail);
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
        if (OwnRequest || await visibility.MayActAsync(Me.AsActor(), Instance, Id))
        {
            return null;
        }

        if (await visibility.TieToRequesterAsync(Me.AsActor(), Instance) is { } tie)
        {
            return await ForbiddenPageAsync($"You hold authority through a delegation chain that includes the requester ({string.Join(" → ", tie)}): you cannot review or decide on their request.");
        }

        return await ForbiddenPageAsync($"This task waits for group {Task.Group}{(Task.AssignedTo is { } a ? $" (assigned to {a})" : "")}; you are not in it, nor delegated by someone who is.");
    }
}
