using ApprovalOrchestrator.Core.Classification;

namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>Something that happened to an instance. The state machine decides what it means in the current state.</summary>
public abstract record WorkflowEvent;

/// <summary>The policy classified the request (computed outside, deterministically, against the pinned definition).</summary>
public sealed record Classified(ClassificationResult Result) : WorkflowEvent;

/// <summary>
/// An approver decided. <see cref="ActorGroups"/> are the groups the caller is vouched to belong to;
/// <see cref="Authenticated"/> says whether that vouching came from a verified credential (recorded in the audit).
/// <see cref="ActionHash"/>, when given, must equal the task's. <see cref="Delegations"/> are the authorities delegated
/// to the actor that are in force now (resolved by the shell, which owns the clock and the delegation table).
/// <see cref="Bridge"/> names the configured bridge that vouched for the actor when no token of theirs was verified.
/// </summary>
public sealed record DecisionSubmitted(
    Guid TaskId,
    string DecisionId,
    string Actor,
    IReadOnlyCollection<string> ActorGroups,
    Verdict Verdict,
    string? Comment,
    bool Authenticated = false,
    string? ActionHash = null,
    IReadOnlyList<DelegatedAuthority>? Delegations = null,
    string? Bridge = null) : WorkflowEvent;

/// <summary>
/// Authority someone (<see cref="Delegator"/>) handed to the actor, directly or through a chain (<see cref="Chain"/>
/// lists the people from the delegator to the one who delegated to the actor). <see cref="Groups"/> are the
/// delegator's groups as recorded with the delegation.
/// </summary>
public sealed record DelegatedAuthority(string Delegator, IReadOnlyList<string> Groups, IReadOnlyList<string> Chain);

/// <summary>An approver takes a task for review until <c>now + Duration</c>; needs the same authority as deciding.</summary>
public sealed record TaskClaimed(
    Guid TaskId,
    string Actor,
    IReadOnlyCollection<string> ActorGroups,
    TimeSpan Duration,
    IReadOnlyList<DelegatedAuthority>? Delegations = null) : WorkflowEvent;

/// <summary>The claim holder lets the task go.</summary>
public sealed record ClaimReleased(Guid TaskId, string Actor) : WorkflowEvent;

/// <summary>The requester takes the request back before anything ran.</summary>
public sealed record RequestWithdrawn(string Actor, string? Reason) : WorkflowEvent;

/// <summary>
/// An administrator moves an open task to another group and/or one person (checked by the shell: admin role).
/// <see cref="AssigneeDelegations"/> are the authorities in force now for <see cref="AssignedTo"/>: a person tied to the
/// requester by delegation cannot be given the task.
/// </summary>
public sealed record TaskReassigned(Guid TaskId, string Actor, string? Group, string? AssignedTo, string? Comment, IReadOnlyList<DelegatedAuthority>? AssigneeDelegations = null) : WorkflowEvent;

/// <summary>A timer fired. It only acts when the task is still open and still waits on this exact token.</summary>
public sealed record TimerElapsed(Guid TaskId, string Token) : WorkflowEvent;

/// <summary>
/// This process run (<see cref="RunId"/>) is about to call the Gateway. When another run's start is still unfinished,
/// <see cref="Takeover"/> is the shell's evidence that its owner is gone (the lease it claimed); without it the
/// execution belongs to that other run and nothing changes. <see cref="Halt"/> is the kill-switch halt in force that covers
/// the request, read by the shell from the stored halts in this step's transaction: the request waits <c>halted</c> instead.
/// </summary>
public sealed record ExecutionStarting(string RunId, ExpiredLease? Takeover = null, Controls.Halt? Halt = null) : WorkflowEvent;

/// <summary>
/// A halt that held this request was lifted (<see cref="Lifted"/>). <see cref="StillHeldBy"/> is another halt in force that
/// still covers it (read by the shell in this step's transaction): then it stays halted.
/// </summary>
public sealed record HaltLifted(Controls.Halt Lifted, string Actor, string Reason, Controls.Halt? StillHeldBy = null) : WorkflowEvent;

/// <summary>The Gateway call came back (or dry-run was produced), for the attempt that is in progress.</summary>
public sealed record ExecutionFinished(int Attempt, ExecutionResult Result) : WorkflowEvent;
