using System.Text.Json;
using ApprovalOrchestrator.Runtime.Notifications.Slack;

namespace ApprovalOrchestrator.Server.Notifications.Slack;

/// <summary>
/// The fields we use from a Slack <c>block_actions</c> payload: who clicked, which of our buttons, what it carries, and
/// the reason typed into the message's input. Everything else in the payload is ignored.
/// </summary>
public sealed record SlackInteraction(string Type, string? UserId, string? ActionId, string? Value, string? Reason, string? TriggerId)
{
    /// <summary>Null when <paramref name="payload"/> is not a JSON object (the caller answers 400 naming <c>payload</c>).</summary>
    public static SlackInteraction? Parse(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var action = root.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array && actions.GetArrayLength() > 0 ? actions[0] : default;
            return new SlackInteraction(
                Str(root, "type") ?? "",
                root.TryGetProperty("user", out var user) ? Str(user, "id") : null,
                Str(action, "action_id"),
                Str(action, "value"),
                ReasonFrom(root),
                Str(root, "trigger_id"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary><c>state.values.ao_reason.ao_reason_input.value</c>: Slack sends the message's input values with every click.</summary>
    private static string? ReasonFrom(JsonElement root) =>
        root.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.Object
        && state.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Object
        && values.TryGetProperty(SlackActions.ReasonBlock, out var block) && block.ValueKind == JsonValueKind.Object
        && block.TryGetProperty(SlackActions.ReasonInput, out var input)
            ? Str(input, "value")
            : null;

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
