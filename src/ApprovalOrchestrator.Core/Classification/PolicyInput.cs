using System.Text.Json;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// What the policy sees of a request. Everything the agent asks for is in scope for matching, tool args included.
/// <see cref="RequesterGroups"/> are the requester's directory groups when known; without them no
/// <c>requesterGroup</c> condition holds.
/// </summary>
public sealed record PolicyInput(
    string Text,
    string Requester,
    string AgentId,
    string? ToolName = null,
    string? ToolAction = null,
    JsonElement? ToolArgs = null,
    IReadOnlyCollection<string>? RequesterGroups = null);
