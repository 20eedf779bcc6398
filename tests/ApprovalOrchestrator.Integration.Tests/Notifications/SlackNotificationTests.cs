using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Notifications.Slack;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.Http;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>Slack approval messages (Block Kit) from the notification outbox, received by a real HTTP stand-in for Slack.</summary>
public sealed class SlackNotificationTests
{
    private static string[] Texts(JsonElement message) =>
        message.GetProperty("blocks").EnumerateArray()
            .SelectMany(b => b.TryGetProperty("text", out var t) ? [t] : b.TryGetProperty("fields", out var f) ? f.EnumerateArray().ToArray() : b.TryGetProperty("elements", out var e) && b.GetProperty("type").GetString() == "context" ? e.EnumerateArray().ToArray() : [])
            .Select(t => t.GetProperty("text").GetString()!)
            .ToArray();

    [Fact]
    public async Task An_opened_task_is_posted_as_Block_Kit_with_the_exact_action_and_buttons_carrying_the_task_and_its_action_hash()
    {
        await using var slack = await SlackStandIn.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: SlackKit.Settings(slack));

        var id = await host.SubmitOkAsync(SlackKit.Amber, tool: new { name = "message_send", action = "send", args = new { to = "bob@example.com", attach = "q1.pdf" } });
        var taskId = await host.OpenTaskIdAsync(id);
        var message = Assert.Single(await slack.MessagesAsync(1));

        Assert.Equal(SlackStandIn.WebhookPath, slack.Received[0].Path);
        var blocks = message.GetProperty("blocks").EnumerateArray().ToArray();
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Equal("Approval needed (team-leads): amber request", blocks[0].GetProperty("text").GetProperty("text").GetString());
        // Every piece of request content is plain_text (no mrkdwn links or mentions), with emoji codes left alone.
        Assert.All(blocks.Where(b => b.TryGetProperty("text", out _)), b => Assert.Equal("plain_text", b.GetProperty("text").GetProperty("type").GetString()));
        var texts = Texts(message);
        Assert.Contains("Risk: amber", texts);
        Assert.Contains("Group: team-leads (tier 1)", texts);
        Assert.Contains("Approvals: 0 of 1", texts);
        Assert.Contains("Requester: alice", texts);
        // The exact action, as the console shows it (the buttons approve its hash): not the redacted notification text.
        Assert.Contains(texts, t => t.StartsWith("Exact request", StringComparison.Ordinal) && t.EndsWith(SlackKit.Amber, StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("Tool: message_send / send", StringComparison.Ordinal) && t.Contains("\"to\": \"bob@example.com\"", StringComparison.Ordinal));
        var hash = await host.ActionHashAsync(taskId);
        Assert.Contains($"Task {taskId} · action {hash}", texts);
        // The push-notification fallback says only what kind of request waits.
        Assert.DoesNotContain("bob@example.com", message.GetProperty("text").GetString(), StringComparison.Ordinal);

        var buttons = SlackKit.Buttons(message).ToArray();
        Assert.Equal([SlackActions.Approve, SlackActions.Reject, SlackActions.OpenConsole], buttons.Select(b => b.GetProperty("action_id").GetString()));
        Assert.Equal("primary", buttons[0].GetProperty("style").GetString());
        Assert.Equal("danger", buttons[1].GetProperty("style").GetString());
        Assert.True(buttons[0].TryGetProperty("confirm", out _), "approve asks for confirmation");
        foreach (var button in buttons[..2])
        {
            using var value = JsonDocument.Parse(button.GetProperty("value").GetString()!);
            Assert.Equal(taskId, value.RootElement.GetProperty("t").GetGuid());
            Assert.Equal(hash, value.RootElement.GetProperty("h").GetString());
        }

        Assert.Equal($"https://approvals.example.com/tasks/{taskId}", buttons[2].GetProperty("url").GetString());
        var reason = blocks.Single(b => b.GetProperty("type").GetString() == "input");
        Assert.Equal(SlackActions.ReasonBlock, reason.GetProperty("block_id").GetString());
        Assert.Equal(SlackActions.ReasonInput, reason.GetProperty("element").GetProperty("action_id").GetString());
    }

    [Fact]
    public async Task Invisible_characters_and_markup_in_the_request_reach_Slack_as_visible_markers_and_plain_text()
    {
        await using var slack = await SlackStandIn.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: SlackKit.Settings(slack));

        await host.OpenTaskIdAsync(await host.SubmitOkAsync("Email the invoice to bob\u200B@example.com <!channel> <https://evil.example|the usual vendor> :tada:"));
        var message = Assert.Single(await slack.MessagesAsync(1));

        var exact = Texts(message).Single(t => t.StartsWith("Exact request", StringComparison.Ordinal));
        Assert.Contains("bob⟦U+200B ZWSP⟧@example.com", exact, StringComparison.Ordinal);
        Assert.DoesNotContain("\u200B", message.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(Texts(message), t => t.Contains("invisible characters", StringComparison.Ordinal));
        Assert.DoesNotContain(message.GetProperty("blocks").EnumerateArray(), b => b.GetRawText().Contains("\"mrkdwn\"", StringComparison.Ordinal));
        Assert.All(message.GetProperty("blocks").EnumerateArray().Where(b => b.TryGetProperty("text", out _)), b => Assert.False(b.GetProperty("text").GetProperty("emoji").GetBoolean()));
    }

    [Fact]
    public async Task An_escalation_posts_a_new_message_for_the_next_group_with_the_same_action_hash()
    {
        await using var slack = await SlackStandIn.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: SlackKit.Settings(slack));

        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(SlackKit.Amber, workflow: "escalate-then-wait"));
        var messages = await slack.MessagesAsync(2);

        Assert.StartsWith("Escalated to managers", messages[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("Group: managers (tier 2)", Texts(messages[1]));
        Assert.Equal(SlackKit.ButtonValue(messages[0], SlackActions.Approve), SlackKit.ButtonValue(messages[1], SlackActions.Approve));
        Assert.Contains(await host.ActionHashAsync(taskId), SlackKit.ButtonValue(messages[1], SlackActions.Approve), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_signing_secret_the_message_has_no_decision_buttons_only_the_console_link()
    {
        await using var slack = await SlackStandIn.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: SlackKit.Settings(slack, interactive: false));

        await host.OpenTaskIdAsync(await host.SubmitOkAsync(SlackKit.Amber));
        var message = Assert.Single(await slack.MessagesAsync(1));

        Assert.Equal([SlackActions.OpenConsole], SlackKit.Buttons(message).Select(b => b.GetProperty("action_id").GetString()));
        Assert.DoesNotContain(message.GetProperty("blocks").EnumerateArray(), b => b.GetProperty("type").GetString() == "input");
    }

    [Fact]
    public async Task With_ExactAction_off_the_message_carries_the_redacted_text_and_no_decision_buttons()
    {
        await using var slack = await SlackStandIn.StartAsync();
        var settings = SlackKit.Settings(slack);
        settings["Notifications:Slack:ExactAction"] = "false";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        await host.OpenTaskIdAsync(await host.SubmitOkAsync(SlackKit.Amber, tool: new { name = "message_send", action = "send", args = new { to = "bob@example.com" } }));
        var message = Assert.Single(await slack.MessagesAsync(1));

        Assert.DoesNotContain("bob@example.com", message.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(Texts(message), t => t.StartsWith("Request (redacted", StringComparison.Ordinal) && t.Contains("[email]", StringComparison.Ordinal));
        Assert.Equal([SlackActions.OpenConsole], SlackKit.Buttons(message).Select(b => b.GetProperty("action_id").GetString()));
    }

    [Fact]
    public async Task An_action_too_long_to_show_in_full_gets_no_decision_buttons()
    {
        await using var slack = await SlackStandIn.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: SlackKit.Settings(slack));

        await host.OpenTaskIdAsync(await host.SubmitOkAsync(SlackKit.Amber, tool: new { name = "message_send", action = "send", args = new { body = new string('x', SlackMessage.MaxExactLength + 10) } }));
        var message = Assert.Single(await slack.MessagesAsync(1));

        Assert.DoesNotContain(SlackKit.Buttons(message), b => b.GetProperty("action_id").GetString() is SlackActions.Approve or SlackActions.Reject);
        Assert.Contains(Texts(message), t => t.Contains("too long to show here", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChatPostMessage_gets_the_bot_token_and_channel_and_a_refusal_in_a_200_answer_is_retried_then_dead_lettered_without_secrets()
    {
        await using var slack = await SlackStandIn.StartAsync();
        var settings = SlackKit.Settings(slack);
        settings["Notifications:Slack:WebhookUrl"] = null;
        settings["Notifications:Slack:PostMessageUrl"] = slack.PostMessageUrl;
        settings["Notifications:Slack:Channel"] = "C0APPROVALS";
        var tokenFile = Path.Combine(Path.GetTempPath(), "ao-tests", Guid.NewGuid().ToString("N"), "slack-bot-token");
        Directory.CreateDirectory(Path.GetDirectoryName(tokenFile)!);
        await File.WriteAllTextAsync(tokenFile, "xoxb-wrong-token-0000\n", TestContext.Current.CancellationToken);
        settings["Notifications:Slack:BotTokenFile"] = tokenFile;
        settings["Notifications:MaxAttempts"] = "2";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        await host.OpenTaskIdAsync(await host.SubmitOkAsync(SlackKit.Amber));
        await slack.MessagesAsync(2);
        var dead = await Poll.GetAsync(async () =>
        {
            await using var connection = host.Database.Open();
            return (await connection.QueryAsync<(string Channel, string Status, string Error)>(
                "SELECT channel, status, last_error FROM notification_deliveries WHERE status = 'dead'")).Select(d => d.ToString()).FirstOrDefault();
        }, "the Slack delivery to be dead-lettered", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("(slack, dead, Slack refused the message: invalid_auth)", dead);
        Assert.All(slack.Received, r => Assert.Equal("Bearer xoxb-wrong-token-0000", r.Header("Authorization")));
        Assert.Equal("C0APPROVALS", slack.Received[0].Body!.Value.GetProperty("channel").GetString());

        // The token file is re-read at every attempt: the right token gets the next message through.
        await File.WriteAllTextAsync(tokenFile, SlackStandIn.Token, TestContext.Current.CancellationToken);
        await host.OpenTaskIdAsync(await host.SubmitOkAsync("Email the customer the new contract."));
        await Poll.TrueAsync(async () =>
        {
            await using var connection = host.Database.Open();
            return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM notification_deliveries WHERE channel = 'slack' AND status = 'delivered'") == 1;
        }, "the second Slack message to be delivered", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Bearer " + SlackStandIn.Token, slack.Received[^1].Header("Authorization"));
    }

    [Fact]
    [Trait("Storage", TestStorage.SqliteOnly)] // reads the database file itself
    public async Task The_webhook_url_bot_token_and_signing_secret_are_nowhere_in_the_database()
    {
        await using var slack = await SlackStandIn.StartAsync();
        var settings = SlackKit.Settings(slack);
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        var id = await host.SubmitOkAsync(SlackKit.Amber);
        await host.OpenTaskIdAsync(id);
        var message = Assert.Single(await slack.MessagesAsync(1));
        await SlackKit.ClickAsync(host, "U0TINA", SlackActions.Approve, SlackKit.ButtonValue(message, SlackActions.Approve));
        await Poll.TrueAsync(async () => (await SlackKit.DecisionsAsync(host, id)).Length == 1, "the Slack decision in the audit trail", cancellationToken: TestContext.Current.CancellationToken);
        await SlackKit.SecurityEventsAsync(host); // flushes queued security events, so they are in the file too

        var bytes = await File.ReadAllBytesAsync(host.DatabasePath, TestContext.Current.CancellationToken);
        var wal = host.DatabasePath + "-wal";
        var all = System.Text.Encoding.UTF8.GetString(bytes) + (File.Exists(wal) ? System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(wal, TestContext.Current.CancellationToken)) : "");
        Assert.DoesNotContain(SlackStandIn.WebhookPath, all, StringComparison.Ordinal);
        Assert.DoesNotContain(SlackKit.SigningSecret, all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_tracing_on_Slack_posts_are_filtered_out_of_HttpClient_spans_whose_url_would_carry_the_webhook_url()
    {
        await using var slack = await SlackStandIn.StartAsync();
        var settings = SlackKit.Settings(slack);
        settings["OpenTelemetry:Endpoint"] = "http://127.0.0.1:9";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        var filter = host.Services.GetRequiredService<IOptionsMonitor<HttpClientTraceInstrumentationOptions>>().Get(Options.DefaultName).FilterHttpRequestMessage;
        using var slackPost = new HttpRequestMessage(HttpMethod.Post, slack.WebhookUrl);
        slackPost.Options.Set(SlackChannel.Untraced, true);
        using var other = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:9/tools/invoke");

        Assert.NotNull(filter);
        Assert.False(filter(slackPost));
        Assert.True(filter(other));
    }
}

