using System.Text.Json;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Requests;

/// <summary>One request as the API shows it: state, classification, tasks, timeline and outcome.</summary>
public sealed record RequestView(
    Guid Id,
    string RequestId,
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
    DateTimeOffset UpdatedAt);

public sealed record WorkflowView(string Id, int Version, string Hash);

public sealed record TaskView(
    Guid Id,
    Guid RequestId,
    string Status,
    int Tier,
    string Group,
    int Required,
    IReadOnlyList<string> Approvals,
    DateTimeOffset OpenedAt,
    DateTimeOffset DueAt,
    string? Risk,
    string? Text,
    IReadOnlyList<ApprovalDecision> Decisions);

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

/// <summary>A list page; <see cref="Total"/> counts all matches, not just this page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Offset, int Limit);
