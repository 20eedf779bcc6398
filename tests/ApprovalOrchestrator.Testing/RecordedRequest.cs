using System.Text.Json;

namespace ApprovalOrchestrator.Testing;

/// <summary>One request as the fake Gateway received it. <see cref="Body"/> is null when the body was not JSON.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement? Body,
    string RawBody,
    DateTimeOffset ReceivedAt)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
