using System.Buffers.Text;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Runtime.Identity;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Verifies a compact JWS bearer token: allowed algorithm for the key's type, signature, issuer, audience, expiry and
/// not-before (with a small clock skew, on the injected clock), and a subject. Failure reasons are short and fixed:
/// they go to the security log and the 401 body, so they never carry token content.
/// </summary>
public sealed class JwtValidator(KeySource keys, TimeProvider clock)
{
    public async Task<(ClaimsPrincipal? Principal, string? Failure)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return (null, "malformed token");
        }

        JsonElement header, payload;
        byte[] signature;
        try
        {
            header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
            payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return (null, "malformed token");
        }

        if (header.ValueKind != JsonValueKind.Object || payload.ValueKind != JsonValueKind.Object)
        {
            return (null, "malformed token");
        }

        var alg = Text(header, "alg");
        if (alg is null or "none" || header.TryGetProperty("crit", out _))
        {
            return (null, "unsupported algorithm");
        }

        var data = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var candidates = await keys.CandidatesAsync(Text(header, "kid"), alg, cancellationToken);
        if (!candidates.Any(k => Verify(k, alg, data, signature)))
        {
            return (null, "invalid signature");
        }

        var o = keys.Options;
        if (keys.ExpectedIssuer is not { } issuer || Text(payload, "iss") != issuer)
        {
            return (null, "wrong issuer");
        }

        if (!Strings(payload, "aud").Contains(keys.ExpectedAudience, StringComparer.Ordinal))
        {
            return (null, "wrong audience");
        }

        var now = clock.GetUtcNow();
        if (Seconds(payload, "exp") is not { } exp)
        {
            return (null, "no expiry");
        }

        if (now - o.ClockSkew >= DateTimeOffset.FromUnixTimeSeconds(exp))
        {
            return (null, "token expired");
        }

        if (Seconds(payload, "nbf") is { } nbf && now + o.ClockSkew < DateTimeOffset.FromUnixTimeSeconds(nbf))
        {
            return (null, "token not yet valid");
        }

        if (Text(payload, "sub") is not { Length: > 0 } sub)
        {
            return (null, "no subject");
        }

        var claims = new List<Claim> { new(Caller.UserClaim, sub) };
        claims.AddRange(Strings(payload, o.GroupsClaim).Select(g => new Claim(Caller.GroupClaim, g)));
        claims.AddRange(Strings(payload, o.RolesClaim).Select(r => new Claim(Caller.RoleClaim, r)));
        var identity = new ClaimsIdentity(claims, JwtAuthentication.Scheme, Caller.UserClaim, Caller.RoleClaim);
        return (new ClaimsPrincipal(identity), null);
    }

    private static bool Verify(VerificationKey key, string alg, byte[] data, byte[] signature)
    {
        try
        {
            return key.Verify(alg, data, signature);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Seconds(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    /// <summary>A claim as a list: a JSON array of strings, or one string (space- or comma-separated, as some providers send roles).</summary>
    private static IReadOnlyList<string> Strings(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return [];
        }

        return v.ValueKind switch
        {
            JsonValueKind.Array => v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray(),
            JsonValueKind.String => v.GetString()!.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            _ => [],
        };
    }
}
