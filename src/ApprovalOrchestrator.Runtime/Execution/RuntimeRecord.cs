using System.Text.Json;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>Builds the agent runtime record of one call from what was sent and what the Gateway answered.</summary>
internal static class RuntimeRecord
{
    // Long enough for any provider/model id; a Gateway cannot fill the record with an essay.
    private const int MaxModelLength = 200;

    public static AgentRuntime Of(GatewayCall call, GatewayOutcome outcome, string? reportedHeader, long latencyMs)
    {
        var response = outcome.Response;
        var reported = Clip(reportedHeader) ?? (response is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? Clip(m.GetString()) : null);
        return new AgentRuntime(
            call.AgentId,
            call.IsToolInvocation ? $"tool:{call.ToolName}" : GatewayRequestBuilder.Model(call.AgentId),
            call.IsToolInvocation ? null : call.BackendModel,
            reported,
            Usage(response),
            latencyMs,
            outcome.Attempts);
    }

    private static TokenUsage? Usage(JsonElement? response)
    {
        if (response is not { ValueKind: JsonValueKind.Object } r || !r.TryGetProperty("usage", out var u) || u.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new TokenUsage(Count(u, "prompt_tokens"), Count(u, "completion_tokens"), Count(u, "total_tokens"));

        static long? Count(JsonElement usage, string name) =>
            usage.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 ? n : null;
    }

    private static string? Clip(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length > MaxModelLength ? value[..MaxModelLength] : value;
}
