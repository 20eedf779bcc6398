using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Requests;

/// <summary>
/// One request as the API shows it: state, classification, tasks, timeline and outcome. <see cref="Budget"/> is the agent's
/// budget as checked at classification (limits, counts, and why it was over), when the definition sets one.
/// </summary>
/// <remarks><see cref="Id"/> is the orchestrator's instance id; <see cref="ClientRequestId"/> the client's key (<c>requestId</c> on the wire).</remarks>
public sealed record RequestView(
    Guid Id,
    [property: JsonPropertyName("requestId")] string ClientRequestId,
    string Status,
    string Requester,
    string AgentId,
    string Text,
    ToolSpec? Tool,
    string? Risk,
    string? Category,
    string? Reason,
    double? Confidence,
    IReadOnlyList<string> MatchedRules,
    IReadOnlyList<string> MatchedTerms,
    WorkflowView Workflow,
    IReadOnlyList<TaskView> Tasks,
    IReadOnlyList<AuditView> Timeline,
    JsonElement? Outcome,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    GuardrailsView? Guardrails = null,
    AgentRuntime? Runtime = null,
    Core.Budgets.BudgetOutcome? Budget = null);

/// <summary>
/// What the definition's guardrails found and did: detector ids with counts (never values), the action per detector,
/// the decision, how many distinct values were replaced by placeholders, and the route the rules chose when
/// <c>require-approval</c> moved the request.
/// </summary>
public sealed record GuardrailsView(
    string Decision,
    IReadOnlyDictionary<string, int> Findings,
    IReadOnlyDictionary<string, string> Actions,
    IReadOnlyDictionary<string, int> Redacted,
    string? ClassifiedRoute)
{
    public static GuardrailsView? Of(Core.Guardrails.GuardrailOutcome? g) =>
        g is null ? null : new GuardrailsView(g.Decision, g.Findings, g.Actions, g.RedactedCounts, g.ClassifiedRoute);
}

/// <summary>Exactly what goes to the Gateway (what the action hash covers): the text and tool args after redaction.</summary>
public sealed record SentView(string Text, ToolView? Tool, string? TextVisible);

public sealed record WorkflowView(string Id, int Version, string Hash);

/// <summary>
/// One approval task as an approver sees it: what is asked (the text and tool args as submitted), what will be sent
/// (<see cref="Sent"/>: after the guardrails' redaction, what the action hash covers) and what was redacted
/// (<see cref="Guardrails"/>), why it was flagged (with the agent's <see cref="Budget"/> when a limit sent it here), the action hash to decide on, who approved, how many approvals remain, and how long
/// before it escalates (or expires). <see cref="TextVisible"/> is the text with invisible characters shown as markers
/// (<c>⟦U+200B ZWSP⟧</c>); <see cref="HiddenCharacters"/> lists those found anywhere in text, tool or args.
/// Only people who may see the task get this view; notifications and bus events stay redacted, except the Slack
/// message, whose Approve button approves this exact action (docs/notifications.md#slack).
/// </summary>
/// <remarks><see cref="InstanceId"/> is the instance the task belongs to (<c>requestId</c> on the wire, as it always was).</remarks>
public sealed record TaskView(
    Guid Id,
    [property: JsonPropertyName("requestId")] Guid InstanceId,
    string Status,
    int Tier,
    string Group,
    string? AssignedTo,
    int Required,
    IReadOnlyList<string> Approvals,
    int ApprovalsRemaining,
    DateTimeOffset OpenedAt,
    DateTimeOffset DueAt,
    long? SecondsLeft,
    string? Risk,
    string? Reason,
    IReadOnlyList<string> MatchedRules,
    string Requester,
    string AgentId,
    string? Text,
    ToolView? Tool,
    string ActionHash,
    TaskClaim? Claim,
    IReadOnlyList<ApprovalDecision> Decisions,
    string? TextVisible = null,
    IReadOnlyList<string>? HiddenCharacters = null,
    SentView? Sent = null,
    GuardrailsView? Guardrails = null,
    Core.Budgets.BudgetOutcome? Budget = null);

/// <summary>The tool call as shown to approvers: exactly as requested (and hashed).</summary>
public sealed record ToolView(string Name, string? Action, JsonNode? Args);

public sealed record AuditView(
    Guid RequestId,
    int Seq,
    string Kind,
    string Actor,
    DateTimeOffset At,
    string DefinitionId,
    int DefinitionVersion,
    string DefinitionHash,
    JsonElement Data,
    string PrevHash,
    string Hash);

/// <summary>
/// A list page. <see cref="Next"/> is the cursor of the page after this one (null on the last page): pass it back as
/// <c>cursor</c>. <see cref="Total"/> counts the matches up to <see cref="PageRequest.CountCap"/>; past that it is the cap
/// and <see cref="TotalExact"/> is false.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Offset, int Limit, string? Next = null, bool TotalExact = true);
