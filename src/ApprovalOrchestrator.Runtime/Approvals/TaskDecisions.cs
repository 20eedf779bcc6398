using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Messaging;

namespace ApprovalOrchestrator.Runtime.Approvals;

/// <summary>
/// Who decides, once authenticated: the user and groups from a verified token (<see cref="Authenticated"/>), or an
/// approver vouched for by a configured <see cref="Bridge"/>. Delegations apply only to token-verified users: a bridge
/// speaks for the groups it is configured with and nothing else.
/// </summary>
public sealed record Decider(string User, IReadOnlyList<string> Groups, bool Authenticated, string? Bridge = null);

/// <summary>
/// "Decide a task", the one use case behind <c>POST /api/tasks/{id}/decision</c>, bulk approval and
/// <c>SubmitApprovalDecision</c> on the bus: the same field rules and the same workflow step, so the ways in cannot
/// drift apart (the bus once accepted a reject without a reason that HTTP refused).
/// </summary>
public sealed class TaskDecisions(WorkflowEngine engine, DelegationStore delegations)
{
    public const string ApproverRole = "approver";
    public const int MaxCommentLength = 4000;

    /// <summary>The decision's own fields. <paramref name="decisionId"/> may be null where the caller makes one up (HTTP).</summary>
    public static (Verdict Verdict, List<FieldError> Errors) Validate(string? decision, string? comment, string? decisionId, string? actionHash)
    {
        var errors = new List<FieldError>();
        var verdict = decision switch
        {
            "approve" => Verdict.Approve,
            "reject" => Verdict.Reject,
            _ => (Verdict?)null,
        };
        if (verdict is null)
        {
            errors.Add(new("decision", "must be 'approve' or 'reject'."));
        }

        if (verdict == Verdict.Reject && string.IsNullOrWhiteSpace(comment))
        {
            errors.Add(new("comment", "is required to reject: say why."));
        }

        if (string.IsNullOrWhiteSpace(actionHash))
        {
            errors.Add(new("actionHash", "is required: send the actionHash of the task you reviewed (GET /api/tasks/{id} or ApprovalRequested.ActionHash)."));
        }
        else if (actionHash.Length > 200)
        {
            errors.Add(new("actionHash", "must be at most 200 characters (sha256:<64 hex digits>)."));
        }

        if (decisionId is not null && (string.IsNullOrWhiteSpace(decisionId) || decisionId.Length > RequestValidator.MaxIdLength))
        {
            errors.Add(new("decisionId", $"must be 1-{RequestValidator.MaxIdLength} characters."));
        }

        if (comment is { Length: > MaxCommentLength })
        {
            errors.Add(new("comment", $"must be at most {MaxCommentLength} characters."));
        }

        return (verdict ?? Verdict.Reject, errors);
    }

    /// <summary>One decision, as one workflow step: the decider's groups and delegations travel with it as data.</summary>
    public async Task<StepResult?> DecideAsync(
        Decider who, Guid instanceId, Guid taskId, string decisionId, Verdict verdict, string? comment, string actionHash,
        InboxKey? inbox = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actionHash); // required on every way in: Validate says so first
        var grants = await delegations.AuthoritiesAsync(who.User);
        return await engine.ApplyAsync(
            instanceId,
            (state, _) => new DecisionSubmitted(taskId, decisionId, who.User, who.Groups, verdict, comment, who.Authenticated, actionHash.Trim(), Counted(who, grants, state.Request.Requester), who.Bridge),
            inbox,
            cancellationToken);
    }

    /// <summary>
    /// The delegations the step sees. A bridge vouches for a person's own groups only, so delegated authority does not
    /// count for it; but separation of duties does: a person tied to the requester by a delegation chain is refused on
    /// every way in, so for them the chain goes in and the state machine refuses with it.
    /// </summary>
    private static IReadOnlyList<DelegatedAuthority> Counted(Decider who, IReadOnlyList<DelegatedAuthority> grants, string requester) =>
        who.Authenticated || DelegationGraph.TieToRequester(requester, who.User, grants) is not null ? grants : [];
}
