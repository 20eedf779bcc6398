using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// <see cref="IGatewayClient"/> over HTTP to the OpenClaw Gateway (REFERENCE.md §3).
/// Chat calls are read-only and retried within bounds; tool invocations are sent at most once per call, whatever happens,
/// because the Gateway's <c>idempotencyKey</c> does not prevent a duplicate run.
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
            var result = await AttemptAsync(prepared, token, timeout, attempt, cancellationToken).ConfigureAwait(false);
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

    /// <summary>One HTTP exchange. Returns a final outcome, or a retryable failure for the caller to decide on.</summary>
    private async Task<AttemptResult> AttemptAsync(PreparedGatewayRequest prepared, string token, TimeSpan timeout, int attempt, CancellationToken cancellationToken)
    {
        // Per-attempt timeout on the injected clock; HttpClient.Timeout is infinite so it never races this one.
        using var timeoutCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        var started = _time.GetTimestamp();
        try
        {
            using var message = prepared.ToHttpRequestMessage(token);
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
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
            return AttemptResult.Retryable(null, $"Gateway did not answer within {Describe(timeout)}.", "timeout", null);
        }
        catch (HttpRequestException ex)
        {
            LogAttempt(prepared.Path, attempt, "connection-error", ElapsedMs(started));
            // The exception text names host and socket error only, but scrub anyway: it is stored.
            return AttemptResult.Retryable(null, GatewayToken.Scrub($"Gateway could not be reached: {ex.Message}", token), "connection", null);
        }
    }

    private AttemptResult Interpret(PreparedGatewayRequest prepared, string token, int attempt, int status, RetryConditionHeaderValue? retryAfter, byte[] body)
    {
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
                return AttemptResult.Final(Failed(prepared, status, GatewayToken.Scrub($"Gateway answered HTTP {status} with a body that is not JSON: {snippet}", token), "invalid_response", attempt));
            }

            // A tool answer is only a success when it says so: HTTP 200 with ok:false is a refusal.
            if (prepared.Path == GatewayRequestBuilder.ToolPath && !IsOk(root))
            {
                var (message, type) = GatewayErrorParser.FromToolBody(root);
                return AttemptResult.Final(Failed(prepared, status, GatewayToken.Scrub(message, token), GatewayToken.Scrub(type, token), attempt));
            }

            return AttemptResult.Final(new GatewayOutcome(GatewayOutcomeStatus.Succeeded, prepared.Record, status, root, null, null, attempt));
        }

        var (error, errorType) = GatewayErrorParser.Parse(status, body);
        error = GatewayToken.Scrub(error, token);
        errorType = GatewayToken.Scrub(errorType, token);
        if (status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500)
        {
            return AttemptResult.Retryable(status, error, errorType, retryAfter);
        }

        return AttemptResult.Final(Failed(prepared, status, error, errorType, attempt));
    }

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
    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway POST {Path} attempt {Attempt}: {Status} in {ElapsedMs} ms")]
    private partial void LogAttempt(string path, int attempt, string status, long elapsedMs);

    private readonly record struct AttemptResult(GatewayOutcome? Outcome, int? HttpStatus, string? Error, string? ErrorType, RetryConditionHeaderValue? RetryAfter)
    {
        public static AttemptResult Final(GatewayOutcome outcome) => new(outcome, null, null, null, null);

        public static AttemptResult Retryable(int? status, string error, string? errorType, RetryConditionHeaderValue? retryAfter) =>
            new(null, status, error, errorType, retryAfter);
    }
}
