using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ApprovalOrchestrator.LocalIdentity;

/// <summary>
/// Mints HS256 JWTs with the local signing key, for local users of the embedded default (aoctl and tests read the same
/// key file the server verifies with). Identity providers mint tokens in every other set-up.
/// </summary>
public sealed class LocalTokenIssuer(byte[] key, string issuer = LocalTokenIssuer.DefaultIssuer, string audience = LocalTokenIssuer.DefaultAudience)
{
    /// <summary>Issuer and audience the server expects of local tokens unless <c>Auth:Issuer</c> / <c>Auth:Audience</c> say otherwise.</summary>
    public const string DefaultIssuer = "approval-orchestrator";

    public const string DefaultAudience = "approval-orchestrator";

    public static LocalTokenIssuer FromKeyFile(string path) => new(LocalSigningKey.Load(path));

    public static LocalTokenIssuer BesideDatabase(string databaseFile) => FromKeyFile(LocalSigningKey.PathBeside(databaseFile));

    public string Issue(string user, IEnumerable<string> groups, IEnumerable<string> roles, TimeSpan? lifetime = null, DateTimeOffset? now = null)
    {
        var issuedAt = now ?? DateTimeOffset.UtcNow;
        var payload = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["sub"] = user,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["nbf"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = (issuedAt + (lifetime ?? TimeSpan.FromHours(8))).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["groups"] = groups.ToArray(),
            ["roles"] = roles.ToArray(),
        };
        return Sign(key, new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT" }, payload);
    }

    /// <summary>Encodes and signs any header and payload with HS256 (tests use it for odd tokens).</summary>
    public static string Sign(byte[] key, object header, object payload)
    {
        var signingInput = Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        return signingInput + "." + Encode(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput)));
    }

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
