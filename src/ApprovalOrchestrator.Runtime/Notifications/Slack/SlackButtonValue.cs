using System.Text.Json;

namespace ApprovalOrchestrator.Runtime.Notifications.Slack;

/// <summary>
/// What an Approve / Reject button carries back: the task and the action hash the message showed. Not a credential (the
/// request signature and the user mapping decide who acts); the hash makes a click on an outdated message fail as stale.
/// </summary>
public sealed record SlackButtonValue(Guid TaskId, string ActionHash)
{
    public const int MaxLength = 2000; // Slack's limit for a button value

    public string Encode() => JsonSerializer.Serialize(new Wire(TaskId, ActionHash));

    public static SlackButtonValue? Decode(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Wire>(value) is { T: var task, H: { Length: > 0 } hash } && task != Guid.Empty ? new SlackButtonValue(task, hash) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Wire(
        [property: System.Text.Json.Serialization.JsonPropertyName("t")] Guid T,
        [property: System.Text.Json.Serialization.JsonPropertyName("h")] string? H);
}
