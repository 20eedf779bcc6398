using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Approvals;

/// <summary>A decision as it arrives (HTTP body, console form, bus message): every field may be missing or wrong.</summary>
public sealed record DecisionInput(Guid TaskId, string? Decision, string? Comment, string? DecisionId, string? ActionHash);

/// <summary>
/// A decision the step took. <see cref="Recorded"/> is false for a duplicate (same decision id, or the same approver
/// again): nothing changed, and <see cref="Step"/>'s message says why. <see cref="Step"/> is null when the bus delivery
/// was handled before (the inbox has it): no step ran at all.
/// </summary>
public sealed record DecisionTaken(Guid TaskId, InstanceId Instance, string DecisionId, Verdict Verdict, StepResult? Step)
{
    public bool Recorded => Step?.Outcome == StepOutcome.Applied;

    public bool Redelivered => Step is null;
}

/// <summary>
/// "Decide a task": the one use case behind <c>POST /api/tasks/{id}/decision</c>, the console's approve/reject buttons,
/// bulk approval and <c>SubmitApprovalDecision</c> on the bus. The field rules live here only (the bus once accepted a
/// reject without a reason that HTTP refused); who may decide is the state machine's rule, fed the actor's groups and
/// delegations as data.
/// </summary>
public sealed class DecideTask(IWorkflowSteps steps, ITaskDirectory tasks, IDelegations delegations)
{
    public const int MaxCommentLength = 4000;
    public const int MaxActionHashLength = 200;

    /// <summary>
    /// The decision's fields. <paramref name="decisionIdRequired"/>: a bus message must name its decision; HTTP and the
    /// console may leave it out and get a fresh one.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(DecisionInput input, bool decisionIdRequired)
    {
        var errors = new List<FieldError>();
        if (input.TaskId == Guid.Empty)
        {
            errors.Add(new("taskId", "is required."));
        }

        var verdict = ParseVerdict(input.Decision);
        if (verdict is null)
        {
            errors.Add(new("decision", "must be 'approve' or 'reject'."));
        }

        if (verdict == Verdict.Reject && string.IsNullOrWhiteSpace(input.Comment))
        {
            errors.Add(new("comment", "is required to reject: say why."));
        }

        if (string.IsNullOrWhiteSpace(input.ActionHash))
        {
            errors.Add(new("actionHash", "is required: send the actionHash of the task you reviewed (GET /api/tasks/{id} or ApprovalRequested.ActionHash)."));
        }
        else if (input.ActionHash.Length > MaxActionHashLength)
        {
            errors.Add(new("actionHash", $"must be at most {MaxActionHashLength} characters (sha256:<64 hex digits>)."));
        }

        if ((decisionIdRequired || input.DecisionId is not null)
            && (string.IsNullOrWhiteSpace(input.DecisionId) || input.DecisionId.Length > RequestValidator.MaxIdLength))
        {
            errors.Add(new("decisionId", $"must be 1-{RequestValidator.MaxIdLength} characters."));
        }

        return errors.AtMost("comment", input.Comment, MaxCommentLength);
    }

    /// <summary>Validates, then runs the decision as one workflow step (deduplicated by <paramref name="delivery"/> on the bus).</summary>
    public async Task<Result<DecisionTaken>> HandleAsync(
        Actor who, DecisionInput input, bool decisionIdRequired = false, DeliveryKey? delivery = null, CancellationToken cancellationToken = default)
    {
        if (Refusal.Check(Validate(input, decisionIdRequired), who, UserRoles.Approver) is { } refused)
        {
            return refused;
        }

        if (await tasks.FindInstanceAsync(input.TaskId) is not { } instance)
        {
            return Refusal.NotFound($"No task {input.TaskId}.");
        }

        var verdict = ParseVerdict(input.Decision)!.Value;
        var decisionId = input.DecisionId ?? Guid.NewGuid().ToString("N");
        var actionHash = input.ActionHash!.Trim();
        var grants = await delegations.AuthoritiesAsync(who.User);
        var step = await steps.ApplyAsync(
            instance,
            (state, _) => new DecisionSubmitted(
                input.TaskId, decisionId, who.User, who.Groups, verdict, input.Comment, who.Verified, actionHash,
                Counted(who, grants, state.Request.Requester), who.Bridge),
            delivery,
            cancellationToken);
        return step switch
        {
            null when delivery is not null => new DecisionTaken(input.TaskId, instance, decisionId, verdict, null),
            null => Refusal.NotFound($"No task {input.TaskId}."),
            { Outcome: StepOutcome.Refused } => Refusal.FromStep(step),
            _ => new DecisionTaken(input.TaskId, instance, decisionId, verdict, step),
        };
    }

    private static Verdict? ParseVerdict(string? decision) => decision switch
    {
        "approve" => Verdict.Approve,
        "reject" => Verdict.Reject,
        _ => null,
    };

    /// <summary>
    /// The delegations the step sees. A bridge vouches for a person's own groups only, so delegated authority does not
    /// count for it; but separation of duties does: a person tied to the requester by a delegation chain is refused on
    /// every way in, so for them the chain goes in and the state machine refuses with it.
    /// </summary>
    private static IReadOnlyList<DelegatedAuthority> Counted(Actor who, IReadOnlyList<DelegatedAuthority> grants, string requester) =>
        who.Verified || DelegationGraph.TieToRequester(requester, who.User, grants) is not null ? grants : [];
}
