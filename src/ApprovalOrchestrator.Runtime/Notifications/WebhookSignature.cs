using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>
/// <c>X-AO-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>. The timestamp is inside the MAC,
/// so a receiver that refuses signatures older than <see cref="ReplayWindow"/> (and dedups on <c>X-AO-Event-Id</c>)
/// cannot be fed a captured delivery later.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-AO-Signature";
    public const string EventIdHeader = "X-AO-Event-Id";
    public const string EventHeader = "X-AO-Event";

    /// <summary>The window receivers should accept (documented in docs/notifications.md).</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Mac(secret, t, body)}";
    }

    /// <summary>For receivers written in .NET: true only for a well-formed, matching signature inside the window.</summary>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan? window = null)
    {
        string? t = null, v1 = null;
        foreach (var part in (header ?? "").Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0] == "t") { t = kv[1]; }
            else if (kv.Length == 2 && kv[0] == "v1") { v1 = kv[1]; }
        }

        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > (window ?? ReplayWindow))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(secret, t, body)), Encoding.ASCII.GetBytes(v1));
    }

    private static string Mac(string secret, string t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
}
