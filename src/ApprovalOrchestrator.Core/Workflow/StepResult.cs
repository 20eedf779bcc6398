namespace ApprovalOrchestrator.Core.Workflow;

public enum StepOutcome
{
    /// <summary>The state changed; effects follow.</summary>
    Applied,

    /// <summary>Nothing to do: a duplicate, or a stale timer or message. Not an error.</summary>
    Ignored,

    /// <summary>The event is not allowed (closed task, wrong group, self-approval, stale action, claimed by another). Nothing changed.</summary>
    Refused,
}

public enum RefusalReason
{
    None,
    NotFound,
    Closed,
    NotInGroup,
    SelfApproval,

    /// <summary>The decision names an action hash other than the task's: the approver saw something else.</summary>
    StaleAction,

    /// <summary>Another person holds an unexpired claim on the task.</summary>
    ClaimedByOther,

    /// <summary>Only the requester may do this (withdraw).</summary>
    NotRequester,
}

/// <summary>The result of one transition: the next state (unchanged unless applied), the effects, and why if not applied.</summary>
public sealed record StepResult(
    WorkflowInstance State,
    IReadOnlyList<WorkflowEffect> Effects,
    StepOutcome Outcome,
    RefusalReason Refusal = RefusalReason.None,
    string? Message = null)
{
    public static StepResult Ignore(WorkflowInstance state, string why) => new(state, [], StepOutcome.Ignored, RefusalReason.None, why);

    public static StepResult Refuse(WorkflowInstance state, RefusalReason reason, string why) => new(state, [], StepOutcome.Refused, reason, why);
}
