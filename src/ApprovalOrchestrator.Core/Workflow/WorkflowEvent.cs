using ApprovalOrchestrator.Core.Classification;

namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>Something that happened to an instance. The state machine decides what it means in the current state.</summary>
public abstract record WorkflowEvent;

/// <summary>The policy classified the request (computed outside, deterministically, against the pinned definition).</summary>
public sealed record Classified(ClassificationResult Result) : WorkflowEvent;

/// <summary>
/// An approver decided. <see cref="ActorGroups"/> are the groups the caller is vouched to belong to;
/// <see cref="Authenticated"/> says whether that vouching came from a verified credential (recorded in the audit).
/// </summary>
public sealed record DecisionSubmitted(
    Guid TaskId,
    string DecisionId,
    string Actor,
    IReadOnlyCollection<string> ActorGroups,
    Verdict Verdict,
    string? Comment,
    bool Authenticated = false) : WorkflowEvent;

/// <summary>A timer fired. It only acts when the task is still open and still waits on this exact token.</summary>
public sealed record TimerElapsed(Guid TaskId, string Token) : WorkflowEvent;

/// <summary>This process run (<see cref="RunId"/>) is about to call the Gateway.</summary>
public sealed record ExecutionStarting(string RunId) : WorkflowEvent;

/// <summary>The Gateway call came back (or dry-run was produced), for the attempt that is in progress.</summary>
public sealed record ExecutionFinished(int Attempt, ExecutionResult Result) : WorkflowEvent;
