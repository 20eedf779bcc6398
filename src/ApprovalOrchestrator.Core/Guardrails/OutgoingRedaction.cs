using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Core.Detection;

namespace ApprovalOrchestrator.Core.Guardrails;

/// <summary>
/// Redacts a request for the Gateway with one <see cref="RedactionState"/>, in a fixed order (text, then the tool
/// arguments in document order, then the reason), so the same (request, policy) always gives the same placeholders.
/// </summary>
public static class OutgoingRedaction
{
    public static (OutgoingRequest Outgoing, RedactionState State) Redact(string text, JsonElement? toolArgs, string reason, GuardrailPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var redaction = new RedactionPolicy(policy.Redacted(DetectorRegistry.Ids));
        var state = new RedactionState();
        if (redaction.Redacted.Count == 0)
        {
            return (new OutgoingRequest(text, toolArgs, reason, Counts(state)), state);
        }

        var outText = PlaceholderRedactor.Redact(text, redaction, state).Text;
        JsonElement? outArgs = toolArgs;
        if (toolArgs is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } args)
        {
            var node = JsonRedaction.Redact(JsonNode.Parse(args.GetRawText()), redaction, state);
            outArgs = JsonSerializer.SerializeToElement(node);
        }

        var outReason = PlaceholderRedactor.Redact(reason, redaction, state).Text;
        return (new OutgoingRequest(outText, outArgs, outReason, Counts(state)), state);
    }

    private static SortedDictionary<string, int> Counts(RedactionState state) =>
        new(state.Counts.ToDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
}
