using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Core.Review;
using ApprovalOrchestrator.Runtime.Requests;

namespace ApprovalOrchestrator.Runtime.Notifications.Slack;

/// <summary>
/// The Block Kit message for an opened or escalated task. The buttons approve the action hash, so the message shows what
/// that hash covers exactly as approvers see it in the console: the text with invisible characters as markers and the
/// tool call with its args, all as <c>plain_text</c> (no mrkdwn, no emoji codes, so a request cannot format, link or
/// mention). When the exact action does not fit Slack's limits, or interactions are not configured, there are no
/// decision buttons: nobody approves what the message could not show. With <c>ExactAction</c> off the message carries
/// the redacted text of the notification event instead, and for the same reason no decision buttons. The <c>text</c>
/// fallback (push notifications) names only risk and group.
/// </summary>
public static class SlackMessage
{
    /// <summary>Below Slack's 3,000-character limit for a section's text, leaving room for the label.</summary>
    public const int MaxExactLength = 2800;

    /// <param name="redacted">The event's redacted text and reason, to show instead of the exact action (<c>ExactAction: false</c>).</param>
    public static JsonObject Build(string kind, TaskView task, bool interactive, string? consoleBaseUrl, (string? Text, string? Reason)? redacted = null)
    {
        var escalated = kind == NotificationKinds.ApprovalEscalated;
        var risk = task.Risk ?? "unclassified";
        var title = escalated ? $"Escalated to {task.Group}: {risk} request waits for approval" : $"Approval needed ({task.Group}): {risk} request";
        var text = VisibleText.Reveal(task.Text ?? "");
        var tool = task.Tool is null ? null : $"{task.Tool.Name}{(task.Tool.Action is { } a ? " / " + a : "")}";
        var args = task.Tool?.Args is { } node ? VisibleText.Reveal(node.ToJsonString(Indented)) : null;
        var fits = redacted is null && text.Length <= MaxExactLength && (args?.Length ?? 0) <= MaxExactLength && (tool?.Length ?? 0) <= 200;

        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = Plain(Clip(title, 150)) },
            new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray(
                    Plain($"Risk: {risk}"),
                    Plain($"Group: {task.Group} (tier {task.Tier + 1})"),
                    Plain($"Approvals: {task.Approvals.Count} of {task.Required}"),
                    Plain($"Due: {task.DueAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}"),
                    Plain(Clip($"Requester: {task.Requester}", 1900)),
                    Plain(Clip($"Agent: {task.AgentId}", 1900))),
            },
            Section(Clip($"Why: {(redacted is { } r ? r.Reason : task.Reason)}{(task.MatchedRules.Count > 0 ? $" (rules: {string.Join(", ", task.MatchedRules)})" : "")}", MaxExactLength)),
        };

        if (fits)
        {
            blocks.Add(Section("Exact request (what the action hash covers):\n" + text));
            if (tool is not null)
            {
                blocks.Add(Section($"Tool: {tool}\nArgs:\n{args ?? "(none)"}"));
            }
        }
        else if (redacted is { } shown)
        {
            blocks.Add(Section(Clip("Request (redacted; review the exact action in the console):\n" + shown.Text, MaxExactLength)));
        }
        else
        {
            blocks.Add(Section("The exact action is too long to show here in full. Review and decide in the console."));
        }

        if (task.HiddenCharacters is { Count: > 0 } hidden)
        {
            blocks.Add(Context($"Warning: invisible characters, shown as markers: {Clip(string.Join(" ", hidden), 1800)}"));
        }

        blocks.Add(Context($"Task {task.Id} · action {task.ActionHash}"));

        var buttons = new JsonArray();
        if (interactive && fits)
        {
            var value = new SlackButtonValue(task.Id, task.ActionHash).Encode();
            blocks.Add(new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = SlackActions.ReasonBlock,
                ["optional"] = true,
                ["label"] = Plain("Reason (required to reject)"),
                ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = SlackActions.ReasonInput, ["multiline"] = true, ["max_length"] = 4000 },
            });
            buttons.Add(new JsonObject
            {
                ["type"] = "button", ["action_id"] = SlackActions.Approve, ["style"] = "primary", ["text"] = Plain("Approve"), ["value"] = value,
                ["confirm"] = new JsonObject
                {
                    ["title"] = Plain("Approve this action?"),
                    ["text"] = Plain("You approve exactly the action shown in this message."),
                    ["confirm"] = Plain("Approve"),
                    ["deny"] = Plain("Cancel"),
                },
            });
            buttons.Add(new JsonObject { ["type"] = "button", ["action_id"] = SlackActions.Reject, ["style"] = "danger", ["text"] = Plain("Reject"), ["value"] = value });
        }

        if (!string.IsNullOrWhiteSpace(consoleBaseUrl))
        {
            buttons.Add(new JsonObject { ["type"] = "button", ["action_id"] = SlackActions.OpenConsole, ["text"] = Plain("Open in console"), ["url"] = $"{consoleBaseUrl.TrimEnd('/')}/tasks/{task.Id}" });
        }

        if (buttons.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "actions", ["block_id"] = SlackActions.DecisionBlock, ["elements"] = buttons });
        }

        return new JsonObject { ["text"] = title, ["blocks"] = blocks };
    }

    /// <summary>An answer to one click, shown only to the person who clicked.</summary>
    public static JsonObject Ephemeral(string text) =>
        new() { ["response_type"] = "ephemeral", ["replace_original"] = false, ["text"] = text };

    /// <summary>Replaces the original message once the task is closed: the buttons are gone for everyone.</summary>
    public static JsonObject Closed(string text) =>
        new() { ["replace_original"] = true, ["text"] = text, ["blocks"] = new JsonArray(Section(text)) };

    private static readonly JsonSerializerOptions Indented = new(Storage.Json.Options) { WriteIndented = true };

    private static JsonObject Plain(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = false };

    private static JsonObject Section(string text) => new() { ["type"] = "section", ["text"] = Plain(text) };

    private static JsonObject Context(string text) => new() { ["type"] = "context", ["elements"] = new JsonArray(Plain(text)) };

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
