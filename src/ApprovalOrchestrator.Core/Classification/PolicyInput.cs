using System.Text.Json;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>What the policy sees of a request. Everything the agent asks for is in scope for matching, tool args included.</summary>
public sealed record PolicyInput(
    string Text,
    string Requester,
    string AgentId,
    string? ToolName = null,
    string? ToolAction = null,
    JsonElement? ToolArgs = null);
