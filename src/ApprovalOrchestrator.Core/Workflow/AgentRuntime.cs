namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// Which agent and model acted, at what cost, for one execution: the agent target sent (<c>model</c>, e.g.
/// <c>openclaw:main</c>), the backend model a route pinned (<c>x-openclaw-model</c>), the model the Gateway reported
/// (its answer's <c>model</c>, or its <c>x-openclaw-model</c> response header), token usage from its <c>usage</c>, the
/// wall-clock latency of the whole call (every attempt and back-off) and the attempts made.
/// </summary>
public sealed record AgentRuntime(
    string AgentId,
    string Target,
    string? BackendModel,
    string? ReportedModel,
    TokenUsage? Usage,
    long LatencyMs,
    int Attempts);

/// <summary>The Gateway's <c>usage</c>, as reported.</summary>
public sealed record TokenUsage(long? PromptTokens, long? CompletionTokens, long? TotalTokens);
