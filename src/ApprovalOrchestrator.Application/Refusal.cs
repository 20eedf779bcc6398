using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application;

/// <summary>What kind of "no" a use case answered; each adapter maps it once (HTTP status, console message, bus fault).</summary>
public enum RefusalKind
{
    /// <summary>The input is malformed: <see cref="Refusal.Errors"/> name the fields (HTTP 400).</summary>
    Invalid,

    /// <summary>Nothing by that id, or nothing the caller may learn exists (HTTP 404).</summary>
    NotFound,

    /// <summary>The thing is in a state that does not allow this (closed, claimed by another, already ended; HTTP 409).</summary>
    Conflict,

    /// <summary>The decision names an action hash the task no longer has (HTTP 412).</summary>
    StaleAction,

    /// <summary>A rule refused this person (own request, not in the group, not theirs; HTTP 403, always recorded).</summary>
    Forbidden,
}

/// <summary>
/// Why a use case refused, ready for problem details: a title, a detail, the fields at fault, and extension members.
/// <see cref="Reason"/> is the state machine's reason when a workflow step refused. <see cref="SecurityNote"/>, when set,
/// is what adapters write to the security log even though the answer is not a 403 (e.g. someone else's delegation,
/// answered as missing).
/// </summary>
public sealed record Refusal(
    RefusalKind Kind,
    string Title,
    string Detail,
    IReadOnlyList<FieldError> Errors,
    RefusalReason? Reason = null,
    IReadOnlyDictionary<string, object?>? Extensions = null,
    string? SecurityNote = null)
{
    /// <summary>Whether the refusal goes to the security log: every 403, and anything carrying a <see cref="SecurityNote"/>.</summary>
    public bool IsSecurityEvent => Kind == RefusalKind.Forbidden || SecurityNote is not null;

    /// <summary>What every handler checks first: its input's fields, then that the caller holds one of <paramref name="roles"/>.</summary>
    public static Refusal? Check(IReadOnlyList<FieldError> errors, Actor who, params string[] roles) =>
        errors.Count > 0 ? Invalid(errors)
        : roles.Any(who.Is) ? null
        : Forbidden($"requires role {string.Join(" or ", roles)}");

    public static Refusal Invalid(IReadOnlyList<FieldError> errors) =>
        new(RefusalKind.Invalid, "The request is invalid.", string.Join(" ", errors.Select(e => $"{e.Field} {e.Message}")), errors);

    public static Refusal NotFound(string detail, string? securityNote = null) => new(RefusalKind.NotFound, "Not found", detail, [], SecurityNote: securityNote);

    public static Refusal Forbidden(string detail, IReadOnlyList<FieldError>? errors = null, RefusalReason? reason = null) =>
        new(RefusalKind.Forbidden, "Forbidden", detail, errors ?? [], reason);

    public static Refusal Conflict(string title, string detail, RefusalReason? reason = null, IReadOnlyDictionary<string, object?>? extensions = null, IReadOnlyList<FieldError>? errors = null) =>
        new(RefusalKind.Conflict, title, detail, errors ?? [], reason, extensions);

    /// <summary>A workflow step that refused, by the state machine's reason.</summary>
    /// <summary>A workflow step that refused, by the state machine's reason; anything not named is a 403 (fail closed).</summary>
    public static Refusal FromStep(StepResult step, string closedTitle = "The task is closed")
    {
        var detail = step.Message ?? "Refused.";
        return step.Refusal switch
        {
            RefusalReason.NotFound => NotFound(detail),
            RefusalReason.Closed => Conflict(closedTitle, detail, step.Refusal),
            RefusalReason.ClaimedByOther => Conflict("Claimed by someone else", detail, step.Refusal),
            RefusalReason.StaleAction => new(RefusalKind.StaleAction, "The action changed", detail, [], step.Refusal),
            _ => Forbidden(detail, reason: step.Refusal),
        };
    }
}
