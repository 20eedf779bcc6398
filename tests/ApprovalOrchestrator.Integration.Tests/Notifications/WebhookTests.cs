using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>Signed webhooks from the notification outbox, against a real HTTP receiver: signature, retries, dead letters.</summary>
public sealed class WebhookTests
{
    private const string Secret = "webhook-secret-0123456789abcdef";
    private const string Amber = "Send the invoice to the vendor.";

    private static Dictionary<string, string?> Settings(string url, int maxAttempts = 8, params string[] events)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:Webhooks:0:Url"] = url,
            ["Notifications:Webhooks:0:Secret"] = Secret,
            ["Notifications:RetryBaseDelay"] = "00:00:00.100",
            ["Notifications:MaxRetryDelay"] = "00:00:00.400",
            ["Notifications:PollInterval"] = "00:00:00.050",
            ["Notifications:MaxAttempts"] = maxAttempts.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < events.Length; i++)
        {
            settings[$"Notifications:Webhooks:0:Events:{i}"] = events[i];
        }

        return settings;
    }

    /// <summary>Checks the signature the way a receiver in any language would: HMAC-SHA256 over "t.body", hex.</summary>
    private static void AssertSigned(ReceivedWebhook hook)
    {
        Assert.NotNull(hook.Signature);
        var parts = hook.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, -5, 300);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{hook.Body}")));
        Assert.Equal(expected, parts["v1"]);
    }

    private static Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(WebhookReceiver receiver, Func<IReadOnlyList<ReceivedWebhook>, bool> done, string what) =>
        Poll.GetAsync(() => Task.FromResult(done(receiver.Received) ? receiver.Received : null), what, cancellationToken: TestContext.Current.CancellationToken);

    private static JsonElement Parse(ReceivedWebhook hook) => JsonDocument.Parse(hook.Body).RootElement.Clone();

    private static async Task<(string Status, int Attempts, string? Error)> DeliveryAsync(OrchestratorHost host, string eventId)
    {
        await using var connection = host.Database.Open();
        return await connection.QuerySingleAsync<(string, int, string?)>(
            "SELECT status, attempts, last_error FROM notification_deliveries WHERE event_id = @eventId", new { eventId });
    }

    private static Task<JsonElement[]> DeadLettersAsync(OrchestratorHost host) =>
        Poll.GetAsync(async () =>
        {
            var list = await host.Admin.GetFromJsonAsync<JsonElement[]>("/api/admin/notifications/dead-letters", TestContext.Current.CancellationToken);
            return list is { Length: > 0 } ? list : null;
        }, "a dead letter", cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task An_approval_request_is_posted_signed_with_the_redacted_text_and_a_link_to_the_task()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: Settings(receiver.Url));

        var id = await host.SubmitOkAsync("Send the invoice to the vendor, copy bob@example.com.");
        var taskId = await host.OpenTaskIdAsync(id);
        var hooks = await WaitForAsync(receiver, r => r.Count >= 1, "the approval.requested webhook");

        var hook = Assert.Single(hooks);
        AssertSigned(hook);
        Assert.Equal("approval.requested", hook.Event);
        var body = Parse(hook);
        Assert.Equal(hook.EventId, body.GetProperty("id").GetString());
        Assert.Equal("approval.requested", body.GetProperty("type").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(taskId, data.GetProperty("taskId").GetGuid());
        Assert.Equal($"/tasks/{taskId}", data.GetProperty("taskPath").GetString());
        Assert.Equal(await host.ActionHashAsync(taskId), data.GetProperty("actionHash").GetString());
        Assert.DoesNotContain("bob@example.com", hook.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(("delivered", 1, (string?)null), await DeliveryAsync(host, hook.EventId!));
    }

    [Fact]
    public async Task A_receiver_answering_500_is_retried_with_the_same_event_id_until_it_accepts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(500, 503);
        await using var host = await OrchestratorHost.StartAsync(settings: Settings(receiver.Url));

        var id = await host.SubmitOkAsync(Amber);
        await host.OpenTaskIdAsync(id);
        var hooks = await WaitForAsync(receiver, r => r.Count >= 3, "three attempts");

        Assert.Single(hooks.Select(h => h.EventId).Distinct());
        Assert.All(hooks, AssertSigned);
        // Backoff: the second retry waits longer than the first (100 ms, then 200 ms).
        Assert.True(hooks[1].At - hooks[0].At >= TimeSpan.FromMilliseconds(90), $"first retry after {(hooks[1].At - hooks[0].At).TotalMilliseconds} ms");
        Assert.True(hooks[2].At - hooks[1].At >= TimeSpan.FromMilliseconds(190), $"second retry after {(hooks[2].At - hooks[1].At).TotalMilliseconds} ms");
        await Poll.TrueAsync(async () => (await DeliveryAsync(host, hooks[0].EventId!)).Status == "delivered", "the delivery to be marked delivered", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, (await DeliveryAsync(host, hooks[0].EventId!)).Attempts);
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_dead_lettered_with_the_reason_and_can_be_retried_by_an_admin()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.DefaultStatus = 500;
        await using var host = await OrchestratorHost.StartAsync(settings: Settings(receiver.Url, maxAttempts: 3));

        var id = await host.SubmitOkAsync(Amber);
        await host.OpenTaskIdAsync(id);
        var listed = await DeadLettersAsync(host);

        var dead = Assert.Single(listed);
        Assert.Equal(3, dead.GetProperty("attempts").GetInt32());
        Assert.Contains("HTTP 500", dead.GetProperty("reason").GetString());
        Assert.Equal("approval.requested", dead.GetProperty("kind").GetString());
        Assert.Equal(3, receiver.Received.Count);
        Assert.DoesNotContain(Secret, string.Join(",", listed.Select(l => l.GetRawText())));

        var approver = await host.Approver("tom", "team-leads").GetAsync("/api/admin/notifications/dead-letters", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, approver.StatusCode);

        receiver.DefaultStatus = 204;
        var retry = await host.Admin.PostAsync($"/api/admin/notifications/dead-letters/{dead.GetProperty("seq").GetInt64()}/retry", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var eventId = dead.GetProperty("eventId").GetGuid().ToString();
        await Poll.TrueAsync(async () => (await DeliveryAsync(host, eventId)).Status == "delivered", "the retried delivery", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(4, receiver.Received.Count);
        var missing = await host.Admin.PostAsync("/api/admin/notifications/dead-letters/999999/retry", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_receiver_that_is_down_is_dead_lettered_with_the_connection_error()
    {
        // A port that was just listening and is now closed: connection refused.
        var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.Url;
        await receiver.DisposeAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: Settings(url, maxAttempts: 2));

        var id = await host.SubmitOkAsync(Amber);
        await host.OpenTaskIdAsync(id);
        var listed = await DeadLettersAsync(host);

        Assert.Contains("HttpRequestException", listed[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Escalation_and_completion_are_posted_and_a_receiver_gets_only_the_events_it_asked_for()
    {
        await using var all = await WebhookReceiver.StartAsync();
        await using var completedOnly = await WebhookReceiver.StartAsync();
        var settings = Settings(all.Url);
        settings["Notifications:Webhooks:1:Url"] = completedOnly.Url;
        settings["Notifications:Webhooks:1:Secret"] = Secret;
        settings["Notifications:Webhooks:1:Events:0"] = "request.completed";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        // escalate-then-wait: team leads have 1 s, then managers.
        var id = await host.SubmitOkAsync(Amber, workflow: "escalate-then-wait");
        var taskId = await host.OpenTaskIdAsync(id);
        var escalated = await WaitForAsync(all, r => r.Any(h => h.Event == "approval.escalated"), "the approval.escalated webhook");
        var data = Parse(escalated.Single(h => h.Event == "approval.escalated")).GetProperty("data");
        Assert.Equal("managers", data.GetProperty("group").GetString());
        Assert.Equal(1, data.GetProperty("tier").GetInt32());

        var (decided, _) = await host.DecideAsync(taskId, "mia", "managers", "approve", comment: "Fine, tell bob@example.com.");
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var hooks = await WaitForAsync(all, r => r.Any(h => h.Event == "request.completed"), "the request.completed webhook");
        var completed = hooks.Single(h => h.Event == "request.completed");
        AssertSigned(completed);
        var done = Parse(completed).GetProperty("data");
        Assert.Equal(id, done.GetProperty("instanceId").GetGuid());
        Assert.Equal("mia", done.GetProperty("decisions")[0].GetProperty("actor").GetString());
        Assert.False(done.TryGetProperty("outcome", out _));
        Assert.DoesNotContain("bob@example.com", completed.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["approval.requested", "approval.escalated", "request.completed"], hooks.Select(h => h.Event!).ToArray());

        var only = await WaitForAsync(completedOnly, r => r.Count >= 1, "the completed-only receiver");
        Assert.Equal("request.completed", Assert.Single(only).Event);
    }

    [Theory]
    [InlineData("Notifications:Webhooks:0:Url", "ftp://example.com/hook", "Url must be an absolute http(s) URL")]
    [InlineData("Notifications:Webhooks:0:Secret", "short", "Secret must be at least 16 characters")]
    [InlineData("Notifications:Webhooks:0:Events:0", "approval.everything", "unknown event 'approval.everything'")]
    public async Task A_misconfigured_receiver_stops_the_start_naming_the_setting(string key, string value, string expected)
    {
        var settings = Settings("http://127.0.0.1:9/hook");
        settings[key] = value;

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await OrchestratorHost.StartAsync(settings: settings)).DisposeAsync());

        Assert.Contains(expected, error.ToString());
    }
}
