namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>Configuration section <c>Gateway</c>. The token is read from <see cref="Token"/> or <see cref="TokenFile"/> and never logged.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>e.g. <c>http://127.0.0.1:18789</c>. Empty means dry-run: nothing is sent.</summary>
    public string? BaseUrl { get; set; }

    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    /// <summary>Per-attempt timeout when the definition does not set one.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Attempts for chat calls (read-only) on connection errors, 5xx, 408 and 429. Tool calls are never retried.</summary>
    public int ChatMaxAttempts { get; set; } = 3;

    /// <summary>First backoff delay; doubles per attempt. A 429's Retry-After wins when given, capped at <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most of a Gateway response body we store and publish (default 256 KiB). A larger body is replaced by a marker
    /// with its size and SHA-256; a tool call whose answer is over the cap cannot be verified, so it needs review.
    /// </summary>
    public int MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    public const int DefaultMaxResponseBytes = 256 * 1024;
}
