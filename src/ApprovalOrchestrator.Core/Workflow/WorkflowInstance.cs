using System.Text.Json;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// The whole durable state of one request's workflow. Persisted as one row (with a version column for
/// optimistic concurrency); the state machine maps it, with an event, to its next value.
/// </summary>
public sealed record WorkflowInstance(
    Guid Id,
    AgentRequest Request,
    DefinitionRef Definition,
    InstanceStatus Status,
    ClassificationResult? Classification,
    IReadOnlyList<ApprovalTask> Tasks,
    ExecutionState? Execution,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public ApprovalTask? FindTask(Guid taskId) => Tasks.FirstOrDefault(t => t.Id == taskId);

    public ApprovalDecision? FindDecision(string decisionId) =>
        Tasks.SelectMany(t => t.Decisions).FirstOrDefault(d => d.DecisionId == decisionId);

    public WorkflowInstance WithTask(ApprovalTask task) =>
        this with { Tasks = Tasks.Select(t => t.Id == task.Id ? task : t).ToArray() };
}

/// <summary>
/// What the agent asked for, as submitted. <see cref="ClientRequestId"/> is the client's idempotency key (stored and sent
/// as <c>requestId</c>); the orchestrator's own id is the instance's <see cref="WorkflowInstance.Id"/>.
/// <see cref="RequesterGroups"/> are the submitter's groups from their token at HTTP intake (for <c>requesterGroup</c>
/// rules); null when unknown (bus intake: the message carries no verified groups).
/// </summary>
public sealed record AgentRequest(
    [property: System.Text.Json.Serialization.JsonPropertyName("requestId")] string ClientRequestId,
    string Requester,
    string AgentId,
    string Text,
    ToolSpec? Tool,
    IReadOnlyList<string>? RequesterGroups = null);

public sealed record ToolSpec(string Name, string? Action, JsonElement? Args);

public enum ApprovalTaskStatus
{
    Open,
    Approved,
    Rejected,
    Expired,
    Withdrawn,
}

/// <summary>
/// One approval gate. Escalation moves the same task to the next tier (new group, due time and timer token), so links
/// to a task stay valid; approvals count only at the tier they were given in. <see cref="ActionHash"/> binds every
/// decision to the exact action shown; <see cref="AssignedTo"/> (set by reassignment) narrows it to one person.
/// </summary>
public sealed record ApprovalTask(
    Guid Id,
    int Tier,
    string Group,
    int RequiredApprovals,
    ApprovalTaskStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset DueAt,
    string TimerToken,
    IReadOnlyList<ApprovalDecision> Decisions,
    string ActionHash = "",
    string? AssignedTo = null,
    TaskClaim? Claim = null)
{
    /// <summary>Distinct people who approved at the current tier.</summary>
    public IReadOnlyList<string> ApproversAtCurrentTier =>
        Decisions.Where(d => d.Verdict == Verdict.Approve && d.Tier == Tier)
            .Select(d => d.Actor).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Distinct people who rejected at the current tier.</summary>
    public IReadOnlyList<string> RejectersAtCurrentTier =>
        Decisions.Where(d => d.Verdict == Verdict.Reject && d.Tier == Tier)
            .Select(d => d.Actor).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Everyone a decision at the current tier speaks for: the actor and, for a delegate, the delegator.</summary>
    public IReadOnlySet<string> PeopleAtCurrentTier(Verdict verdict) =>
        Decisions.Where(d => d.Tier == Tier && d.Verdict == verdict)
            .SelectMany(d => d.OnBehalfOf is null ? [d.Actor] : new[] { d.Actor, d.OnBehalfOf })
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The claim, if it still holds at <paramref name="now"/>: an expired claim is no claim.</summary>
    public TaskClaim? ActiveClaim(DateTimeOffset now) => Claim is { } c && c.ExpiresAt > now ? c : null;
}

/// <summary>"I am reviewing this": others cannot decide or claim until it is released or expires.</summary>
public sealed record TaskClaim(string By, DateTimeOffset At, DateTimeOffset ExpiresAt);

public enum Verdict
{
    Approve,
    Reject,
}

/// <summary>
/// A signal from a person. <see cref="DecisionId"/> makes it idempotent. <see cref="OnBehalfOf"/> names the delegator
/// when the actor decided through a delegation; <see cref="DelegationChain"/> is then the whole chain, from the delegator
/// through every link to the actor.
/// </summary>
public sealed record ApprovalDecision(
    string DecisionId,
    string Actor,
    Verdict Verdict,
    string? Comment,
    int Tier,
    string Group,
    DateTimeOffset At,
    string? OnBehalfOf = null,
    IReadOnlyList<string>? DelegationChain = null);

/// <summary>
/// The execution attempt. <see cref="StartedBy"/> names the process run that recorded the start, so a later run can tell
/// a crashed call (never re-sent when it is a tool invocation) from one still in flight.
/// </summary>
public sealed record ExecutionState(
    int Attempt,
    string StartedBy,
    DateTimeOffset StartedAt,
    string IdempotencyKey,
    DateTimeOffset? FinishedAt,
    ExecutionResult? Result);

/// <summary>
/// What came of the execution, as recorded (the outcome document never holds a secret). <see cref="Runtime"/> says which
/// agent and model acted and what it cost; <see cref="Screening"/> what the guardrails found in the answer.
/// </summary>
public sealed record ExecutionResult(
    ExecutionResultKind Kind,
    string? Error,
    JsonElement Outcome,
    AgentRuntime? Runtime = null,
    Guardrails.ResponseScreening? Screening = null);

public enum ExecutionResultKind
{
    Succeeded,
    Failed,
    DryRun,

    /// <summary>A tool invocation whose outcome is unknown (it may have reached the Gateway and nothing proves it did not run): a person must check.</summary>
    Indeterminate,
}
