using System.Text;
using System.Text.Json;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// Reads a Gateway error body. Chat calls (and 401s / malformed JSON on tools) use <c>{"error":{"message","type"}}</c>;
/// tool calls use <c>{"ok":false,"error":{"type","message"}}</c>. Anything else becomes a short text snippet.
/// </summary>
internal static class GatewayErrorParser
{
    public const int MaxSnippetLength = 500;

    public static (string Message, string? Type) Parse(int httpStatus, ReadOnlySpan<byte> body)
    {
        if (TryParseDocumented(body, out var message, out var type))
        {
            return (message, type);
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        if (text.Length == 0)
        {
            return ($"Gateway answered HTTP {httpStatus} with an empty body.", null);
        }

        return (Truncate(text), null);
    }

    /// <summary>Builds the error of a 2xx tool answer that says <c>"ok": false</c> (or is not the documented shape).</summary>
    public static (string Message, string? Type) FromToolBody(JsonElement root) =>
        TryReadError(root, out var message, out var type)
            ? (message, type)
            : ("Gateway tool answer did not report ok: true.", null);

    /// <summary>True when the body is one of the Gateway's documented error shapes (an object with an <c>error</c>): what a tool refusal must carry to count as proof.</summary>
    public static bool TryParseDocumented(ReadOnlySpan<byte> body, out string message, out string? type)
    {
        message = "";
        type = null;
        if (body.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            return TryReadError(doc.RootElement, out message, out type);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadError(JsonElement root, out string message, out string? type)
    {
        message = "";
        type = null;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
        {
            return false;
        }

        switch (error.ValueKind)
        {
            case JsonValueKind.String:
                message = Truncate(error.GetString() ?? "");
                return true;
            case JsonValueKind.Object:
                message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? Truncate(m.GetString() ?? "")
                    : Truncate(error.GetRawText());
                type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                return true;
            default:
                return false;
        }
    }

    private static string Truncate(string text) =>
        text.Length <= MaxSnippetLength ? text : string.Concat(text.AsSpan(0, MaxSnippetLength), "…");
}
