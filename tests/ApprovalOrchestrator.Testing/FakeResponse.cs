using System.Text.Json;

namespace ApprovalOrchestrator.Testing;

/// <summary>
/// A scripted answer of the fake Gateway. Build one with the factories, adjust it with <see cref="WithDelay"/> /
/// <see cref="WithHeader"/>, and hand it to <see cref="FakeGateway.Enqueue"/> or <see cref="FakeGateway.SetDefault"/>.
/// </summary>
public sealed record FakeResponse
{
    /// <summary>Null means "the documented success (or validation error) for this path".</summary>
    public int? StatusCode { get; init; }

    /// <summary>Raw body; null with a status means "the documented error shape for this path".</summary>
    public string? Body { get; init; }

    public string ContentType { get; init; } = "application/json";

    public string? ErrorType { get; init; }

    public string? ErrorMessage { get; init; }

    public TimeSpan Delay { get; init; }

    /// <summary>Never answers: waits until the client gives up (or the fake is disposed).</summary>
    public bool Hangs { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>How the connection misbehaves instead of (or while) answering; <see cref="FakeFault.None"/> answers normally.</summary>
    public FakeFault Fault { get; init; }

    /// <summary>With <see cref="FakeFault.TruncateBody"/>: how many body bytes are sent before the connection is cut.</summary>
    public int SentBytes { get; init; }

    /// <summary>The default behaviour: validate the request and answer in the documented 200 shape.</summary>
    public static FakeResponse Success() => new();

    /// <summary>This status with a generic message in the path's documented error shape.</summary>
    public static FakeResponse Status(int statusCode) => new() { StatusCode = statusCode };

    /// <summary>This status with the given type and message, in the path's documented error shape (chat or tool).</summary>
    public static FakeResponse Error(int statusCode, string type, string message) =>
        new() { StatusCode = statusCode, ErrorType = type, ErrorMessage = message };

    /// <summary>Arbitrary status and raw body, sent as is.</summary>
    public static FakeResponse Raw(int statusCode, string body, string contentType = "application/json") =>
        new() { StatusCode = statusCode, Body = body, ContentType = contentType };

    /// <summary>Arbitrary status with a body serialised from an object.</summary>
    public static FakeResponse Json(int statusCode, object body) =>
        Raw(statusCode, JsonSerializer.Serialize(body));

    /// <summary>429 with <c>Retry-After: seconds</c>.</summary>
    public static FakeResponse RateLimited(int retryAfterSeconds) =>
        Error(429, "rate_limit", "Too many requests").WithHeader("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>429 with <c>Retry-After</c> as an HTTP date.</summary>
    public static FakeResponse RateLimitedUntil(DateTimeOffset until) =>
        Error(429, "rate_limit", "Too many requests").WithHeader("Retry-After", until.ToUniversalTime().ToString("r", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Answers (by default, successfully) only after the delay.</summary>
    public static FakeResponse Slow(TimeSpan delay) => new() { Delay = delay };

    /// <summary>Never answers.</summary>
    public static FakeResponse Hang() => new() { Hangs = true };

    /// <summary>Reads the whole request (so a tool call counts as invoked), then drops the connection without a byte of answer.</summary>
    public static FakeResponse DropAfterRequest() => new() { Fault = FakeFault.DropAfterRequest };

    /// <summary>
    /// Declares the full <paramref name="body"/> in Content-Length but sends only its first <paramref name="sentBytes"/>
    /// bytes, then drops the connection: an answer cut off mid-body.
    /// </summary>
    public static FakeResponse Truncated(int statusCode, string body, int sentBytes) =>
        new() { StatusCode = statusCode, Body = body, Fault = FakeFault.TruncateBody, SentBytes = sentBytes };

    /// <summary>A valid tool success (<c>ok: true</c>) whose body is about <paramref name="sizeBytes"/> bytes long.</summary>
    public static FakeResponse HugeToolSuccess(int sizeBytes) =>
        Raw(200, """{"ok":true,"result":{"content":[{"type":"text","text":""" + "\"" + new string('x', Math.Max(0, sizeBytes - 60)) + "\"}]}}");

    public FakeResponse WithDelay(TimeSpan delay) => this with { Delay = delay };

    public FakeResponse WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value } };
}

/// <summary>Connection-level misbehaviour of the fake Gateway, for "may have run" tests.</summary>
public enum FakeFault
{
    None,

    /// <summary>The request is read, then the connection is aborted: no status line ever comes back.</summary>
    DropAfterRequest,

    /// <summary>Status and headers (with the full Content-Length) are sent, then part of the body, then the connection is aborted.</summary>
    TruncateBody,
}
