using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Core.Detection;

namespace ApprovalOrchestrator.Core.Guardrails;

/// <summary>
/// Screens the Gateway's answer before it is stored, published or shown, with the detectors the policy does not
/// <c>allow</c>. <c>redact</c> replaces findings with placeholders numbered on from the request's (pass the request's
/// <see cref="RedactionState"/>, so a value the agent echoes gets the placeholder it was sent as); <c>withhold</c>
/// replaces an answer that has any finding by a note of detector ids and counts. The error text is always redacted (an
/// error message can quote the request).
/// </summary>
public static class ResponseScreen
{
    public static ScreenedResponse Screen(JsonElement? response, string? error, GuardrailPolicy policy, RedactionState state)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);
        if (policy.Response == ResponseAction.Allow)
        {
            return new ScreenedResponse(response, error, null);
        }

        var redaction = new RedactionPolicy(policy.Screened(DetectorRegistry.Ids));
        var found = new List<Finding>();
        JsonElement? screened = response;
        if (response is { } body)
        {
            var node = JsonRedaction.Redact(JsonNode.Parse(body.GetRawText()), redaction, state, found);
            screened = JsonSerializer.SerializeToElement(node);
        }

        var errorResult = error is null ? null : PlaceholderRedactor.Redact(error, redaction, state);
        if (errorResult is not null)
        {
            found.AddRange(errorResult.Redacted);
        }

        var counts = FindingCounts.ByDetector(found);
        if (counts.Count == 0)
        {
            return new ScreenedResponse(response, error, new ResponseScreening(counts, "none"));
        }

        if (policy.Response == ResponseAction.Withhold && response is not null)
        {
            var note = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
            {
                ["withheld"] = true,
                ["reason"] = "The Gateway's answer held values the definition does not let out; it was not kept.",
                ["findings"] = counts,
            });
            return new ScreenedResponse(note, errorResult?.Text, new ResponseScreening(counts, "withhold"));
        }

        return new ScreenedResponse(screened, errorResult?.Text, new ResponseScreening(counts, "redact"));
    }
}

/// <summary>The answer as it may be kept, and what screening found (null when the policy allows answers as they are).</summary>
public sealed record ScreenedResponse(JsonElement? Response, string? Error, ResponseScreening? Screening);

/// <summary>Detector ids and counts found in the Gateway's answer, and what was done: <c>none</c>, <c>redact</c> or <c>withhold</c>.</summary>
public sealed record ResponseScreening(IReadOnlyDictionary<string, int> Findings, string Action);
