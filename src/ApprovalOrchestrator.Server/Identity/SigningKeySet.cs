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

    /// <summary>
    /// A PEM public key file (<c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c>) for <c>Auth:SigningKeyFiles</c>. Anything else is
    /// refused: a file that is not PEM used to be taken as an HMAC secret, so a bare base64 public key, which anyone may
    /// hold, became a secret that mints tokens. Secrets are listed explicitly under <c>Auth:HmacKeyFiles</c>.
    /// </summary>
    public static VerificationKey FromPublicKeyFile(string setting, string path)
    {
        var text = ReadKeyFile(setting, path);
        var label = PemLabel(text);
        if (label is null)
        {
            throw new KeyConfigurationException(
                $"{setting} ({path}) is not a PEM public key. Give a '-----BEGIN PUBLIC KEY-----' file, or list an HMAC secret file under Auth:HmacKeyFiles.");
        }

        if (label.Contains("PRIVATE", StringComparison.Ordinal))
        {
            throw new KeyConfigurationException($"{setting} ({path}) holds a private key; the server only needs the public key.");
        }

        if (label is not ("PUBLIC KEY" or "RSA PUBLIC KEY"))
        {
            throw new KeyConfigurationException($"{setting} ({path}) is PEM '{label}', not a public key ('PUBLIC KEY' or 'RSA PUBLIC KEY').");
        }

        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(text);
            return new VerificationKey(null, rsa, null, null);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            try
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(text);
                return new VerificationKey(null, null, ec, null);
            }
            catch (Exception inner) when (inner is ArgumentException or CryptographicException)
            {
                throw new KeyConfigurationException($"{setting} ({path}) is not a readable RSA or EC public key.");
            }
        }
    }

    /// <summary>An HMAC secret file for <c>Auth:HmacKeyFiles</c>: base64 of at least 256 random bits, as <c>signing.key</c>.</summary>
    public static VerificationKey FromHmacFile(string setting, string path) =>
        HmacSecret($"{setting} ({path})", ReadKeyFile(setting, path));

    /// <summary>
    /// A configured HMAC secret (base64, at least 256 bits). Refuses what is plainly a key of another kind (PEM, or a DER
    /// public key in base64): such a "secret" is public, and would let anyone mint tokens.
    /// </summary>
    public static VerificationKey HmacSecret(string where, string base64)
    {
        var text = base64.Trim();
        if (PemLabel(text) is not null)
        {
            throw new KeyConfigurationException($"{where} is a PEM key, not an HMAC secret: list public keys under Auth:SigningKeyFiles.");
        }

        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new KeyConfigurationException($"{where} is not base64: an HMAC secret is base64 of at least 256 random bits.");
        }

        if (IsPublicKeyDer(secret))
        {
            throw new KeyConfigurationException($"{where} is a public key in base64, not an HMAC secret: a public key is no secret. Give it as a PEM file under Auth:SigningKeyFiles.");
        }

        if (secret.Length < 32)
        {
            throw new KeyConfigurationException($"{where} is shorter than 256 bits.");
        }

        return VerificationKey.Hmac(secret);
    }

    private static string ReadKeyFile(string setting, string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyConfigurationException($"{setting} ({path}) cannot be read: {ex.Message}");
        }
    }

    private static string? PemLabel(string text)
    {
        const string begin = "-----BEGIN ";
        if (!text.StartsWith(begin, StringComparison.Ordinal))
        {
            return null;
        }

        var end = text.IndexOf("-----", begin.Length, StringComparison.Ordinal);
        return end < 0 ? null : text[begin.Length..end];
    }

    private static bool IsPublicKeyDer(byte[] der)
    {
        foreach (var import in new Action<byte[]>[]
        {
            d => RSA.Create().ImportSubjectPublicKeyInfo(d, out _),
            d => RSA.Create().ImportRSAPublicKey(d, out _),
            d => ECDsa.Create().ImportSubjectPublicKeyInfo(d, out _),
        })
        {
            try
            {
                import(der);
                return true;
            }
            catch (CryptographicException)
            {
            }
        }

        return false;
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
        secret.Length >= 32 ? new(null, null, null, secret) : throw new KeyConfigurationException("An HMAC signing key must be at least 256 bits.");

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
