using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApprovalOrchestrator.Core.Detection;

/// <summary>
/// Redacts the string values of a JSON document (tool arguments), with the request's <see cref="RedactionState"/> so
/// the placeholders match the request text's. Values are scanned decoded, so an escaped <c>\u0040</c> is an '@'.
/// Numbers are scanned as written (a card number sent as a JSON number becomes its placeholder, a string); property
/// names, booleans and nulls are kept as they are.
/// </summary>
public static class JsonRedaction
{
    public static JsonNode? Redact(JsonNode? node, RedactionPolicy policy, RedactionState state, List<Finding>? redacted = null) => node switch
    {
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Redact(kv.Value, policy, state, redacted)))),
        JsonArray a => new JsonArray(a.Select(x => Redact(x, policy, state, redacted)).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(RedactString(v.GetValue<string>(), policy, state, redacted)),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => RedactNumber(v, policy, state, redacted),
        _ => node?.DeepClone(),
    };

    /// <summary>A card or phone passed as a JSON number is still one: it becomes its placeholder, a string.</summary>
    private static JsonNode RedactNumber(JsonValue number, RedactionPolicy policy, RedactionState state, List<Finding>? redacted)
    {
        var result = PlaceholderRedactor.Redact(number.ToJsonString(), policy, state);
        if (result.Redacted.Count == 0)
        {
            return number.DeepClone();
        }

        redacted?.AddRange(result.Redacted);
        return JsonValue.Create(result.Text);
    }

    private static string RedactString(string value, RedactionPolicy policy, RedactionState state, List<Finding>? redacted)
    {
        var result = PlaceholderRedactor.Redact(value, policy, state);
        redacted?.AddRange(result.Redacted);
        return result.Text;
    }
}
