using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ApprovalOrchestrator.Runtime.Notifications.Slack;

/// <summary>
/// Slack's request signing (v0): <c>X-Slack-Signature: v0=&lt;hex HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}")&gt;</c>
/// with <c>X-Slack-Request-Timestamp</c> in Unix seconds. The timestamp is inside the MAC, so refusing one more than
/// <see cref="Window"/> from now (either way) plus refusing a signature seen before stops replays.
/// </summary>
public static class SlackSignature
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public const string Version = "v0";

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) => $"{Version}={Mac(secret, timestamp, body)}";

    /// <summary>Null when the request is Slack's and fresh; otherwise why not (for the security event; never the secret).</summary>
    public static string? Check(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return $"missing {(string.IsNullOrEmpty(timestamp) ? TimestampHeader : SignatureHeader)} header";
        }

        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return $"{TimestampHeader} is not a Unix time in seconds";
        }

        var skew = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (skew.Duration() > Window)
        {
            return skew > TimeSpan.Zero
                ? $"stale request: signed {skew.TotalSeconds:0} s ago (window {Window.TotalSeconds:0} s)"
                : $"request signed {-skew.TotalSeconds:0} s in the future (window {Window.TotalSeconds:0} s)";
        }

        // Constant time over the whole header value; a different length or prefix simply does not match.
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)) ? null : "signature does not match";
    }

    private static string Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes($"{Version}:{timestamp}:");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }
}
