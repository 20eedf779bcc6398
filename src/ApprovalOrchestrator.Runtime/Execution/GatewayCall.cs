using System.Text.Json;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// Everything needed to carry out one approved request through the OpenClaw Gateway.
/// A call with <see cref="ToolName"/> goes to <c>/tools/invoke</c>; otherwise to <c>/v1/chat/completions</c>.
/// <see cref="Text"/> and <see cref="ToolArgs"/> are what is sent: already redacted by the definition's guardrails.
/// <see cref="BackendModel"/>, when a route pins one, goes out as the <c>x-openclaw-model</c> header on chat calls.
/// </summary>
public sealed record GatewayCall(
    Guid InstanceId,
    string Requester,
    string AgentId,
    string Text,
    string ClassificationJson,
    string? ToolName,
    string? ToolAction,
    JsonElement? ToolArgs,
    string SessionKey,
    string IdempotencyKey,
    TimeSpan Timeout,
    string? BackendModel = null)
{
    public bool IsToolInvocation => ToolName is not null;
}

/// <summary>An HTTP request as sent (or as it would be sent). The Authorization header is always redacted.</summary>
public sealed record GatewayHttpRequest(
    string Method,
    string Url,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement Body);

public enum GatewayOutcomeStatus
{
    /// <summary>The Gateway answered 2xx (and, for tools, <c>ok: true</c>).</summary>
    Succeeded,

    /// <summary>The Gateway refused (for a tool: in a way that proves it did not run), or could not be reached within the bounded retries.</summary>
    Failed,

    /// <summary>No Gateway is configured: nothing was sent.</summary>
    DryRun,

    /// <summary>
    /// A tool request that may have reached the Gateway, and no answer proves it did not run (dropped connection, 5xx,
    /// timeout, a body that is not JSON, cut off or over the cap…): a person must check. Never retried.
    /// </summary>
    MayHaveRun,
}

/// <summary>
/// What came of a <see cref="GatewayCall"/>. Never holds the Gateway token. <see cref="Runtime"/> is the agent runtime
/// record (agent, models, usage, latency, attempts); <see cref="ResponseGuardrails"/> what screening the answer found.
/// </summary>
public sealed record GatewayOutcome(
    GatewayOutcomeStatus Status,
    GatewayHttpRequest Request,
    int? HttpStatus,
    JsonElement? Response,
    string? Error,
    string? ErrorType,
    int Attempts,
    Core.Workflow.AgentRuntime? Runtime = null,
    Core.Guardrails.ResponseScreening? ResponseGuardrails = null);

/// <summary>
/// Sends calls to the Gateway. Chat calls (read-only) may be retried inside; tool invocations are sent at most once
/// per <see cref="SendAsync"/> — the engine guarantees at-most-once across crashes by recording the start first.
/// </summary>
public interface IGatewayClient
{
    /// <summary>False when no <c>Gateway:BaseUrl</c> is configured: <see cref="SendAsync"/> then returns a dry-run outcome.</summary>
    bool IsConfigured { get; }

    Task<GatewayOutcome> SendAsync(GatewayCall call, CancellationToken cancellationToken);
}
