using System.Collections.Concurrent;
using ApprovalOrchestrator.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>One POST as the receiver saw it.</summary>
public sealed record ReceivedWebhook(string Path, string? Signature, string? EventId, string? Event, string Body, DateTimeOffset At);

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (random port) that records every POST and answers with the scripted status codes
/// in order, then 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentQueue<int> _script = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Answer every request with this status once the script is used up (200 unless set).</summary>
    public int DefaultStatus { get; set; } = 200;

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToArray();

    public static async Task<WebhookReceiver> StartAsync()
    {
        WebhookReceiver? receiver = null;
        var app = await LoopbackHttp.StartAsync(context => receiver!.HandleAsync(context), TestContext.Current.CancellationToken);
        receiver = new WebhookReceiver(app) { Url = app.Urls.First() + "/hooks/ao" };
        return receiver;
    }

    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(status);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        _received.Enqueue(new ReceivedWebhook(
            context.Request.Path, context.Request.Headers["X-AO-Signature"], context.Request.Headers["X-AO-Event-Id"], context.Request.Headers["X-AO-Event"], body, DateTimeOffset.UtcNow));
        context.Response.StatusCode = _script.TryDequeue(out var status) ? status : DefaultStatus;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
