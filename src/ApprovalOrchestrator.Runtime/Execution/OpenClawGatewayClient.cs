using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// <see cref="IGatewayClient"/> over HTTP to the OpenClaw Gateway (REFERENCE.md §3).
/// Chat calls are read-only and retried within bounds; tool invocations are sent at most once per call, whatever happens,
/// because the Gateway's <c>idempotencyKey</c> does not prevent a duplicate run, and end <c>failed</c> only on an answer
/// that proves the tool did not run (<see cref="ToolOutcomeRule"/>). Bodies are read up to <c>Gateway:MaxResponseBytes</c>.
/// Without a BaseUrl nothing is sent: the outcome is <see cref="GatewayOutcomeStatus.DryRun"/> and its request is addressed
/// to <see cref="DryRunBaseUrl"/>, a reserved (RFC 2606) host that shows the path and body that would have been sent.
/// </summary>
public sealed partial class OpenClawGatewayClient : IGatewayClient
{
    /// <summary>Base URL shown in a dry-run outcome's request when no Gateway is configured.</summary>
    public const string DryRunBaseUrl = "http://gateway.invalid";

    private readonly HttpClient _http;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OpenClawGatewayClient> _logger;

    public OpenClawGatewayClient(HttpClient http, IOptions<GatewayOptions> options, TimeProvider timeProvider, ILogger<OpenClawGatewayClient> logger)
    {
        _http = http;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
    }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(_options.BaseUrl);

    public async Task<GatewayOutcome> SendAsync(GatewayCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var started = _time.GetTimestamp();
        var reportedHeader = new StrongBox<string?>();
        var outcome = await SendCoreAsync(call, reportedHeader, cancellationToken).ConfigureAwait(false);
        return outcome with { Runtime = RuntimeRecord.Of(call, outcome, reportedHeader.Value, (long)_time.GetElapsedTime(started).TotalMilliseconds) };
    }

    private async Task<GatewayOutcome> SendCoreAsync(GatewayCall call, StrongBox<string?> reportedHeader, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            var dry = GatewayRequestBuilder.Build(call, DryRunBaseUrl);
            return new GatewayOutcome(GatewayOutcomeStatus.DryRun, dry.Record, null, null, null, null, 0);
        }

        var prepared = GatewayRequestBuilder.Build(call, _options.BaseUrl!);
        if (!GatewayToken.TryResolve(_options, out var token, out var problem))
        {
            return Failed(prepared, null, problem, "configuration", 0);
        }

        var timeout = call.Timeout > TimeSpan.Zero ? call.Timeout : _options.Timeout;
        var maxAttempts = call.IsToolInvocation ? 1 : Math.Max(1, _options.ChatMaxAttempts);

        for (var attempt = 1; ; attempt++)
        {
            var result = await AttemptAsync(prepared, token, timeout, attempt, reportedHeader, cancellationToken).ConfigureAwait(false);
            if (result.Outcome is { } final)
            {
                return final;
            }

            // Only chat calls reach here more than once: maxAttempts is 1 for tools.
            if (attempt >= maxAttempts)
            {
                return Failed(prepared, result.HttpStatus, GatewayToken.Scrub(result.Error, token), result.ErrorType, attempt);
            }

            var delay = GatewayBackoff.Compute(_options, attempt, result.HttpStatus, result.RetryAfter, _time.GetUtcNow());
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One HTTP exchange. Returns a final outcome, or a retryable failure for the caller to decide on (chat only).</summary>
    private async Task<AttemptResult> AttemptAsync(PreparedGatewayRequest prepared, string token, TimeSpan timeout, int attempt, StrongBox<string?> reportedHeader, CancellationToken cancellationToken)
    {
        var tool = prepared.Path == GatewayRequestBuilder.ToolPath;
        // Per-attempt timeout on the injected clock; HttpClient.Timeout is infinite so it never races this one.
        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        var started = _time.GetTimestamp();
        try
        {
            using var message = prepared.ToHttpRequestMessage(token);
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            reportedHeader.Value = response.Headers.TryGetValues(GatewayRequestBuilder.ModelHeader, out var models) ? models.FirstOrDefault() : null;
            var body = await CappedBody.ReadAsync(response.Content, _options.MaxResponseBytes, linked.Token).ConfigureAwait(false);
            LogAttempt(prepared.Path, attempt, status.ToString(System.Globalization.CultureInfo.InvariantCulture), ElapsedMs(started));
            return Interpret(prepared, token, attempt, status, response.Headers.RetryAfter, body);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogAttempt(prepared.Path, attempt, "cancelled", ElapsedMs(started));
            throw;
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested)
        {
            LogAttempt(prepared.Path, attempt, "timeout", ElapsedMs(started));
            var why = $"Gateway did not answer within {Describe(timeout)}.";
            return tool ? AttemptResult.Final(MayHaveRun(prepared, null, why, "timeout", attempt)) : AttemptResult.Retryable(null, why, "timeout", null);
        }
        catch (HttpRequestException ex)
        {
            LogAttempt(prepared.Path, attempt, "connection-error", ElapsedMs(started));
            // The exception text names host and socket error only, but scrub anyway: it is stored.
            var why = GatewayToken.Scrub($"Gateway could not be reached: {ex.Message}", token);
            if (!tool)
            {
                return AttemptResult.Retryable(null, why, "connection", null);
            }

            return ToolOutcomeRule.NeverSent(ex)
                ? AttemptResult.Final(Failed(prepared, null, why + " Nothing was sent.", "connection", attempt))
                : AttemptResult.Final(MayHaveRun(prepared, null, GatewayToken.Scrub($"The connection to the Gateway failed after the request may have been sent: {ex.Message}", token), "connection-lost", attempt));
        }
        catch (IOException ex)
        {
            // The answer was cut off mid-body (fewer bytes than Content-Length, or the connection closed mid-chunk).
            LogAttempt(prepared.Path, attempt, "truncated", ElapsedMs(started));
            var why = GatewayToken.Scrub($"The Gateway's answer was cut off: {ex.Message}", token);
            return tool ? AttemptResult.Final(MayHaveRun(prepared, null, why, "truncated", attempt)) : AttemptResult.Retryable(null, why, "truncated", null);
        }
    }

    private AttemptResult Interpret(PreparedGatewayRequest prepared, string token, int attempt, int status, RetryConditionHeaderValue? retryAfter, CappedBody capped)
    {
        var tool = prepared.Path == GatewayRequestBuilder.ToolPath;
        var cap = _options.MaxResponseBytes;
        if (capped.Truncated)
        {
            var why = $"Gateway answered HTTP {status} with {capped.SizeBytes} bytes, over the {cap}-byte cap; only its size and hash ({capped.Sha256}) are kept.";
            return AttemptResult.Final(tool
                ? MayHaveRun(prepared, status, why + " The tool's answer cannot be verified.", "response-too-large", attempt, capped.Marker(cap))
                : new GatewayOutcome(GatewayOutcomeStatus.Failed, prepared.Record, status, capped.Marker(cap), why, "response-too-large", attempt));
        }

        var body = capped.Kept;
        if (status is >= 200 and < 300)
        {
            JsonElement root;
            try
            {
                using var doc = JsonDocument.Parse(body);
                root = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                var (snippet, _) = GatewayErrorParser.Parse(status, body);
                var why = GatewayToken.Scrub($"Gateway answered HTTP {status} with a body that is not JSON: {snippet}", token);
                return AttemptResult.Final(tool ? MayHaveRun(prepared, status, why, "invalid_response", attempt) : Failed(prepared, status, why, "invalid_response", attempt));
            }

            // A tool answer is only a success when it says so; a 2xx that says ok:false proves nothing about what ran.
            if (tool && !IsOk(root))
            {
                var (message, type) = GatewayErrorParser.FromToolBody(root);
                return AttemptResult.Final(MayHaveRun(prepared, status, GatewayToken.Scrub(message, token), GatewayToken.Scrub(type, token), attempt, root));
            }

            return AttemptResult.Final(new GatewayOutcome(GatewayOutcomeStatus.Succeeded, prepared.Record, status, root, null, null, attempt));
        }

        var documented = GatewayErrorParser.TryParseDocumented(body, out _, out _);
        var (error, errorType) = GatewayErrorParser.Parse(status, body);
        error = GatewayToken.Scrub(error, token);
        errorType = GatewayToken.Scrub(errorType, token);
        if (tool)
        {
            return AttemptResult.Final(ToolOutcomeRule.ProvesNotRun(status, documented)
                ? Failed(prepared, status, error, errorType, attempt)
                : MayHaveRun(prepared, status, $"HTTP {status} does not prove the tool did not run: {error}", errorType ?? $"http-{status}", attempt));
        }

        if (status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500)
        {
            return AttemptResult.Retryable(status, error, errorType, retryAfter);
        }

        return AttemptResult.Final(Failed(prepared, status, error, errorType, attempt));
    }

    private static GatewayOutcome MayHaveRun(PreparedGatewayRequest prepared, int? status, string error, string? errorType, int attempts, JsonElement? response = null) =>
        new(GatewayOutcomeStatus.MayHaveRun, prepared.Record, status, response, error, errorType, attempts);

    private static bool IsOk(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True;

    private static GatewayOutcome Failed(PreparedGatewayRequest prepared, int? status, string? error, string? errorType, int attempts) =>
        new(GatewayOutcomeStatus.Failed, prepared.Record, status, null, error, errorType, attempts);

    private long ElapsedMs(long started) => (long)_time.GetElapsedTime(started).TotalMilliseconds;

    private static string Describe(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1 && timeout.Milliseconds == 0
            ? $"{timeout.TotalSeconds:0}s"
            : $"{timeout.TotalMilliseconds:0}ms";

    // Method, path, status and elapsed time only: never the token, never a body.
    // Debug: one line per call would be a per-request info line; the gateway metrics and spans carry it (docs/observability.md).
    [LoggerMessage(Level = LogLevel.Debug, Message = "Gateway POST {Path} attempt {Attempt}: {Status} in {ElapsedMs} ms")]
    private partial void LogAttempt(string path, int attempt, string status, long elapsedMs);

    private readonly record struct AttemptResult(GatewayOutcome? Outcome, int? HttpStatus, string? Error, string? ErrorType, RetryConditionHeaderValue? RetryAfter)
    {
        public static AttemptResult Final(GatewayOutcome outcome) => new(outcome, null, null, null, null);

        public static AttemptResult Retryable(int? status, string error, string? errorType, RetryConditionHeaderValue? retryAfter) =>
            new(null, status, error, errorType, retryAfter);
    }
}
