using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApprovalOrchestrator.Server.Web.Rendering;

/// <summary>Indented JSON for reading (outcomes, tool args, audit data); the page HTML-encodes it.</summary>
public static class JsonPretty
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Format(JsonElement? element) => element is { } e ? JsonSerializer.Serialize(e, Indented) : string.Empty;

    public static string Format(JsonNode? node) => node is null ? string.Empty : node.ToJsonString(Indented);
}
