using System.Text.Json.Nodes;

namespace ApprovalOrchestrator.Contracts.V1;

/// <summary>
/// Command from an integrating system: govern this agent request. The same fields as <c>POST /api/requests</c>.
/// Publish it (exchange <c>ApprovalOrchestrator.Contracts.V1:SubmitAgentRequest</c>) or send it to the <c>ao-intake</c> queue.
/// Answered by <see cref="AgentRequestAccepted"/> or <see cref="AgentRequestRejected"/>, and later <see cref="AgentRequestCompleted"/>.
/// </summary>
/// <param name="RequestId">Mandatory idempotency key (1-200 characters): resubmitting the same request with the same id starts nothing new.</param>
/// <param name="Requester">Who asks (1-200 characters); a requester may never approve their own request.</param>
/// <param name="AgentId">The agent that would act; the workflow's default agent when null.</param>
/// <param name="Text">The request in natural language, 1 byte to 32 KB (UTF-8).</param>
/// <param name="Tool">A direct tool invocation the agent wants to make, if any.</param>
/// <param name="Workflow">The workflow definition id; the configured default when null.</param>
public sealed record SubmitAgentRequest(
    string RequestId,
    string Requester,
    string? AgentId,
    string Text,
    RequestedTool? Tool,
    string? Workflow);

/// <summary>A tool invocation carried by a request.</summary>
/// <param name="Name">The tool (e.g. <c>sessions_send</c>).</param>
/// <param name="Action">The tool's action, if it has several.</param>
/// <param name="Args">The tool's arguments as a JSON object (kept as a node so it round-trips through any JSON serializer unchanged).</param>
public sealed record RequestedTool(string Name, string? Action, JsonObject? Args);
