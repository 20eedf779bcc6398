using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Verification keys, each tied to one key type, so an algorithm can only be used with keys of its own kind (no
/// HS256-with-an-RSA-public-key confusion).
/// </summary>
public sealed class SigningKeySet(IReadOnlyList<VerificationKey> keys)
{
    public IReadOnlyList<VerificationKey> Keys { get; } = keys;

    public IEnumerable<VerificationKey> Candidates(string? kid, string alg) =>
        Keys.Where(k => k.Supports(alg) && (kid is null || k.Kid is null || k.Kid == kid));

    /// <summary>Reads a file: a PEM public key (RSA or EC), else a base64 HMAC secret.</summary>
    public static VerificationKey FromFile(string path)
    {
        var text = File.ReadAllText(path).Trim();
        if (!text.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            return VerificationKey.Hmac(Convert.FromBase64String(text));
        }

        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(text);
            return new VerificationKey(null, rsa, null, null);
        }
        catch (ArgumentException)
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(text);
            return new VerificationKey(null, null, ec, null);
        }
    }

    /// <summary>The keys of a JWKS document (RSA and EC signing keys; others skipped).</summary>
    public static IReadOnlyList<VerificationKey> FromJwks(JsonElement jwks)
    {
        var keys = new List<VerificationKey>();
        foreach (var jwk in jwks.GetProperty("keys").EnumerateArray())
        {
            if (jwk.TryGetProperty("use", out var use) && use.GetString() != "sig")
            {
                continue;
            }

            var kid = jwk.TryGetProperty("kid", out var k) ? k.GetString() : null;
            switch (jwk.GetProperty("kty").GetString())
            {
                case "RSA":
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = B64(jwk, "n"), Exponent = B64(jwk, "e") });
                    keys.Add(new VerificationKey(kid, rsa, null, null));
                    break;
                case "EC":
                    var curve = jwk.GetProperty("crv").GetString() switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        "P-521" => ECCurve.NamedCurves.nistP521,
                        _ => (ECCurve?)null,
                    };
                    if (curve is { } c)
                    {
                        keys.Add(new VerificationKey(kid, null, ECDsa.Create(new ECParameters { Curve = c, Q = new ECPoint { X = B64(jwk, "x"), Y = B64(jwk, "y") } }), null));
                    }

                    break;
            }
        }

        return keys;
    }

    private static byte[] B64(JsonElement jwk, string name) => Base64Url.DecodeFromChars(jwk.GetProperty(name).GetString());
}

/// <summary>One key: exactly one of an RSA key, an EC key or an HMAC secret.</summary>
public sealed record VerificationKey(string? Kid, RSA? Rsa, ECDsa? Ec, byte[]? Secret)
{
    public static VerificationKey Hmac(byte[] secret) =>
        secret.Length >= 32 ? new(null, null, null, secret) : throw new InvalidOperationException("An HMAC signing key must be at least 256 bits.");

    public bool Supports(string alg) => alg switch
    {
        "HS256" or "HS384" or "HS512" => Secret is not null,
        "RS256" or "RS384" or "RS512" or "PS256" or "PS384" or "PS512" => Rsa is not null,
        "ES256" or "ES384" or "ES512" => Ec is not null,
        _ => false,
    };

    public bool Verify(string alg, byte[] data, byte[] signature)
    {
        var hash = alg[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        };
        return alg[..2] switch
        {
            "HS" => CryptographicOperations.FixedTimeEquals(HMAC(hash, Secret!, data), signature),
            "RS" => Rsa!.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1),
            "PS" => Rsa!.VerifyData(data, signature, hash, RSASignaturePadding.Pss),
            "ES" => Ec!.VerifyData(data, signature, hash),
            _ => false,
        };
    }

    private static byte[] HMAC(HashAlgorithmName hash, byte[] key, byte[] data) =>
        hash == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data)
        : hash == HashAlgorithmName.SHA384 ? HMACSHA384.HashData(key, data)
        : HMACSHA512.HashData(key, data);
}
