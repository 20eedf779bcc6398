using System.Text.Json;

namespace ApprovalOrchestrator.Core.Audit;

/// <summary>
/// What an event's data becomes when its content is erased under a retention policy: only the hash of what it was.
/// The signed log's entry commits to that hash (not the content), so every proof still verifies; the per-request chain
/// keeps the event's stored hash and checks only its links.
/// </summary>
public static class ErasedContent
{
    public static string Marker(string dataHash) => JsonSerializer.Serialize(new { erased = true, dataHash });

    /// <summary>The hash the erased content had, or null when <paramref name="dataJson"/> is not an erasure marker.</summary>
    public static string? HashOf(string dataJson)
    {
        if (!dataJson.StartsWith("{\"erased\":true,", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(dataJson);
            return doc.RootElement.EnumerateObject().Count() == 2 && doc.RootElement.TryGetProperty("dataHash", out var h) && h.ValueKind == JsonValueKind.String
                ? h.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
