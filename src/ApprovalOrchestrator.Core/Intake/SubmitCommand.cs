using System.Text.Json;

namespace ApprovalOrchestrator.Core.Intake;

/// <summary>
/// A request as it arrives (HTTP or bus), before validation. Every field may be missing or wrong.
/// <see cref="ClientRequestId"/> is the client's idempotency key, <c>requestId</c> on the wire.
/// </summary>
public sealed record SubmitCommand(
    [property: System.Text.Json.Serialization.JsonPropertyName("requestId")] string? ClientRequestId,
    string? Requester,
    string? AgentId,
    string? Text,
    SubmitTool? Tool,
    string? Workflow);

public sealed record SubmitTool(string? Name, string? Action, JsonElement? Args);

/// <summary>One problem with one field; <see cref="Field"/> is the JSON path as the client wrote it.</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
