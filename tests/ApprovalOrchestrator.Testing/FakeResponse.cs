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

    public FakeResponse WithDelay(TimeSpan delay) => this with { Delay = delay };

    public FakeResponse WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value } };
}
