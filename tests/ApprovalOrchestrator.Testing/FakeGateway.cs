using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ApprovalOrchestrator.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 (random port) standing in for the OpenClaw Gateway (REFERENCE.md §3):
/// <c>POST /v1/chat/completions</c>, <c>POST /tools/invoke</c>, <c>GET /healthz</c>, <c>GET /readyz</c>.
/// It records every request, counts tool invocations per idempotencyKey, and answers either as the documented
/// Gateway would (the default) or as scripted by the test.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    public const string DefaultToken = "fake-gateway-token-6f1d2c9e";
    public const string ChatPath = "/v1/chat/completions";
    public const string ToolPath = "/tools/invoke";
    public const int ToolBodyLimitBytes = 2 * 1024 * 1024;

    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Dictionary<string, Queue<FakeResponse>> _scripted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeResponse> _defaults = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _toolInvocations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unavailableTools = new(FakeGatewayDefaults.DeniedOverHttp, StringComparer.Ordinal);

    // Cancelled on dispose so hung or slow answers do not hold up shutdown.
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _changed = NewSignal();
    private WebApplication? _app;
    private int _completionCounter;

    private FakeGateway(string token) => Token = token;

    /// <summary>The Bearer token the fake accepts.</summary>
    public string Token { get; }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public static async Task<FakeGateway> StartAsync(string token = DefaultToken, CancellationToken cancellationToken = default)
    {
        var fake = new FakeGateway(token);
        var app = await LoopbackHttp.StartAsync(fake.HandleAsync, cancellationToken).ConfigureAwait(false);

        fake._app = app;
        // The port is chosen by the OS at bind time; the address list is updated after start.
        fake.BaseUrl = app.Urls.First().TrimEnd('/');
        return fake;
    }

    /// <summary>Every request received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    public IReadOnlyList<RecordedRequest> RequestsTo(string path)
    {
        lock (_gate)
        {
            return _requests.Where(r => r.Path == path).ToArray();
        }
    }

    /// <summary>Authorised requests to <c>/tools/invoke</c> carrying this idempotencyKey, whatever the answer was.</summary>
    public int ToolInvocationCount(string idempotencyKey)
    {
        lock (_gate)
        {
            return _toolInvocations.GetValueOrDefault(idempotencyKey);
        }
    }

    public IReadOnlyDictionary<string, int> ToolInvocations
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_toolInvocations, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The next request to <paramref name="path"/> gets this answer (FIFO); once the queue is empty, the default applies.</summary>
    public void Enqueue(string path, FakeResponse response)
    {
        lock (_gate)
        {
            if (!_scripted.TryGetValue(path, out var queue))
            {
                _scripted[path] = queue = new Queue<FakeResponse>();
            }

            queue.Enqueue(response);
        }
    }

    /// <summary>Every request to <paramref name="path"/> with an empty queue gets this answer; null restores the documented behaviour.</summary>
    public void SetDefault(string path, FakeResponse? response)
    {
        lock (_gate)
        {
            if (response is null)
            {
                _defaults.Remove(path);
            }
            else
            {
                _defaults[path] = response;
            }
        }
    }

    /// <summary>By default the tools the real Gateway denies over HTTP (exec, shell, …) answer 404; anything else runs.</summary>
    public void SetToolAvailable(string tool, bool available)
    {
        lock (_gate)
        {
            if (available)
            {
                _unavailableTools.Remove(tool);
            }
            else
            {
                _unavailableTools.Add(tool);
            }
        }
    }

    /// <summary>Forgets recorded requests, counts and scripts.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _scripted.Clear();
            _defaults.Clear();
            _toolInvocations.Clear();
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> requests to <paramref name="path"/> arrived; throws <see cref="TimeoutException"/> after the deadline.</summary>
    public async Task WaitForRequestsAsync(string path, int count, TimeSpan deadline)
    {
        var until = DateTimeOffset.UtcNow + deadline;
        while (true)
        {
            Task changed;
            int seen;
            lock (_gate)
            {
                seen = _requests.Count(r => r.Path == path);
                changed = _changed.Task;
            }

            if (seen >= count)
            {
                return;
            }

            var remaining = until - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Fake Gateway saw {seen} request(s) to {path} within {deadline}, expected {count}.");
            }

            try
            {
                await changed.WaitAsync(remaining).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Loop once more to report the final count.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var raw = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        var body = TryParse(raw);
        Record(request, path, raw, body);

        if (HttpMethods.IsGet(request.Method) && path is "/healthz" or "/readyz")
        {
            await WriteJsonAsync(context, 200, path == "/healthz" ? """{"ok":true}""" : """{"ok":true,"ready":true}""").ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsPost(request.Method) || path is not (ChatPath or ToolPath))
        {
            await WriteJsonAsync(context, 404, FakeGatewayDefaults.ChatError("Not Found", "not_found")).ConfigureAwait(false);
            return;
        }

        if (request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            // A 401 uses the chat-style shape on both endpoints, as the real Gateway does.
            await WriteJsonAsync(context, 401, FakeGatewayDefaults.ChatError("Unauthorized", "unauthorized")).ConfigureAwait(false);
            return;
        }

        int invocation = 0;
        FakeResponse? scripted;
        lock (_gate)
        {
            if (path == ToolPath && body is { ValueKind: JsonValueKind.Object } b
                && b.TryGetProperty("idempotencyKey", out var key) && key.ValueKind == JsonValueKind.String)
            {
                var k = key.GetString()!;
                invocation = _toolInvocations[k] = _toolInvocations.GetValueOrDefault(k) + 1;
            }

            scripted = _scripted.TryGetValue(path, out var queue) && queue.Count > 0
                ? queue.Dequeue()
                : _defaults.GetValueOrDefault(path);
        }

        if (scripted is not null && !await WaitAsScriptedAsync(scripted, context.RequestAborted).ConfigureAwait(false))
        {
            return;
        }

        if (scripted?.Fault == FakeFault.DropAfterRequest)
        {
            context.Abort();
            return;
        }

        foreach (var (name, value) in scripted?.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (scripted?.Fault == FakeFault.TruncateBody)
        {
            await WriteTruncatedAsync(context, scripted).ConfigureAwait(false);
            return;
        }

        if (scripted?.StatusCode is { } status)
        {
            var text = scripted.Body ?? (path == ChatPath
                ? FakeGatewayDefaults.ChatError(scripted.ErrorMessage ?? $"Fake Gateway scripted HTTP {status}", scripted.ErrorType ?? FakeGatewayDefaults.ErrorTypeFor(status))
                : FakeGatewayDefaults.ToolError(scripted.ErrorMessage ?? $"Fake Gateway scripted HTTP {status}", scripted.ErrorType ?? FakeGatewayDefaults.ErrorTypeFor(status)));
            await WriteAsync(context, status, text, scripted.ContentType).ConfigureAwait(false);
            return;
        }

        if (path == ChatPath)
        {
            var n = Interlocked.Increment(ref _completionCounter);
            var (chatStatus, chatBody, contentType) = FakeGatewayDefaults.Chat(body, raw, n, DateTimeOffset.UtcNow);
            await WriteAsync(context, chatStatus, chatBody, contentType).ConfigureAwait(false);
        }
        else
        {
            bool unavailable;
            lock (_gate)
            {
                unavailable = body is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("tool", out var t)
                    && t.ValueKind == JsonValueKind.String && _unavailableTools.Contains(t.GetString()!);
            }

            var (toolStatus, toolBody) = FakeGatewayDefaults.Tool(body, Encoding.UTF8.GetByteCount(raw), unavailable, invocation);
            await WriteJsonAsync(context, toolStatus, toolBody).ConfigureAwait(false);
        }
    }

    /// <summary>Applies a scripted delay or hang. False when the client went away (or the fake stopped) meanwhile.</summary>
    private async Task<bool> WaitAsScriptedAsync(FakeResponse scripted, CancellationToken requestAborted)
    {
        if (!scripted.Hangs && scripted.Delay <= TimeSpan.Zero)
        {
            return true;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _stopping.Token);
        try
        {
            await Task.Delay(scripted.Hangs ? Timeout.InfiniteTimeSpan : scripted.Delay, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Record(HttpRequest request, string path, string raw, JsonElement? body)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.Method, path, headers, body, raw, DateTimeOffset.UtcNow);
        TaskCompletionSource changed;
        lock (_gate)
        {
            _requests.Add(recorded);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    private static JsonElement? TryParse(string raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(raw);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Promises the whole body in Content-Length, sends only the first bytes, flushes, and cuts the connection.</summary>
    private static async Task WriteTruncatedAsync(HttpContext context, FakeResponse scripted)
    {
        var bytes = Encoding.UTF8.GetBytes(scripted.Body ?? "");
        context.Response.StatusCode = scripted.StatusCode ?? 200;
        context.Response.ContentType = scripted.ContentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes.AsMemory(0, Math.Clamp(scripted.SentBytes, 0, Math.Max(0, bytes.Length - 1))), context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        context.Abort();
    }

    private static Task WriteJsonAsync(HttpContext context, int status, string body) => WriteAsync(context, status, body, "application/json");

    private static async Task WriteAsync(HttpContext context, int status, string body, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
