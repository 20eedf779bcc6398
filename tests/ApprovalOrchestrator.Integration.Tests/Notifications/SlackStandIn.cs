using System.Collections.Concurrent;
using System.Text.Json;
using ApprovalOrchestrator.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>
/// A real HTTP server on 127.0.0.1 standing in for Slack's message intake: an incoming webhook (<see cref="WebhookUrl"/>,
/// answers <c>ok</c>) and chat.postMessage (<see cref="PostMessageUrl"/>, answers <c>{"ok": true}</c> only for the bot
/// token <see cref="Token"/> and a channel, else <c>{"ok": false, "error": …}</c> with status 200, as Slack does).
/// </summary>
public sealed class SlackStandIn : IAsyncDisposable
{
    public const string Token = "xoxb-stand-in-bot-token-5a1c";
    public const string WebhookPath = "/services/T0AO/B0AO/webhook-url-is-a-secret-7f3e";
    public const string PostMessagePath = "/api/chat.postMessage";

    private readonly ConcurrentQueue<RecordedRequest> _received = new();
    private WebApplication? _app;

    public string WebhookUrl { get; private set; } = "";

    public string PostMessageUrl { get; private set; } = "";

    public IReadOnlyList<RecordedRequest> Received => _received.ToArray();

    public static async Task<SlackStandIn> StartAsync()
    {
        var slack = new SlackStandIn();
        slack._app = await LoopbackHttp.StartAsync(slack.HandleAsync, TestContext.Current.CancellationToken);
        var root = slack._app.Urls.First().TrimEnd('/');
        slack.WebhookUrl = root + WebhookPath;
        slack.PostMessageUrl = root + PostMessagePath;
        return slack;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived; returns their JSON bodies in order.</summary>
    public async Task<JsonElement[]> MessagesAsync(int count) =>
        await Poll.GetAsync(
            () => Task.FromResult(_received.Count >= count ? _received.Select(r => r.Body ?? default).ToArray() : null),
            $"{count} Slack message(s)", cancellationToken: TestContext.Current.CancellationToken);

    private async Task HandleAsync(HttpContext context)
    {
        var request = await LoopbackHttp.RecordAsync(context.Request);
        _received.Enqueue(request);
        if (request.Path == WebhookPath)
        {
            await context.Response.WriteAsync(request.Body is null ? "invalid_payload" : "ok", context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json";
        var error = request.Header("Authorization") != "Bearer " + Token ? "invalid_auth"
            : request.Body is not { } body || !body.TryGetProperty("channel", out _) ? "channel_not_found"
            : null;
        await context.Response.WriteAsync(error is null ? """{"ok":true,"ts":"1796212800.000100"}""" : $$"""{"ok":false,"error":"{{error}}"}""", context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
