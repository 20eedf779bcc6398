using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Reads configured verification keys for the JwtBearer handler, refusing a key filed under the wrong kind at start-up
/// (the library would take a misfiled public key as an HMAC secret that anyone could mint tokens with), and binds
/// each algorithm family to its own key type.
/// </summary>
public static class ConfiguredKeys
{
    private static readonly string[] s_hmac = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];
    private static readonly string[] s_rsa = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512];
    private static readonly string[] s_ec = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512];

    /// <summary>The algorithms a key of this type may verify (HS* only with a secret, RS*/PS* only with RSA, ES* only with EC).</summary>
    public static IReadOnlyList<string> AlgorithmsFor(SecurityKey key) => key switch
    {
        SymmetricSecurityKey => s_hmac,
        RsaSecurityKey => s_rsa,
        ECDsaSecurityKey => s_ec,
        JsonWebKey { Kty: "RSA" } => s_rsa,
        JsonWebKey { Kty: "EC" } => s_ec,
        _ => [],
    };

    /// <summary>All asymmetric algorithms: what a provider's JWKS may sign with (never HS*, whose "secret" would be public).</summary>
    public static IReadOnlyList<string> Asymmetric { get; } = [.. s_rsa, .. s_ec];

    /// <summary>An algorithm validator for the handler: the header's <c>alg</c> must belong to the key that verifies it.</summary>
    public static bool AlgorithmFitsKey(string algorithm, SecurityKey key) => AlgorithmsFor(key).Contains(algorithm, StringComparer.Ordinal);

    public static SecurityKey Hmac(byte[] secret) =>
        secret.Length >= 32 ? new SymmetricSecurityKey(secret) : throw new KeyConfigurationException("An HMAC signing key must be at least 256 bits.");

    /// <summary>
    /// A PEM public key file (<c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c>) for <c>Auth:SigningKeyFiles</c>. Anything else is
    /// refused: a file that is not PEM used to be taken as an HMAC secret, so a bare base64 public key, which anyone may
    /// hold, became a secret that mints tokens. Secrets are listed explicitly under <c>Auth:HmacKeyFiles</c>.
    /// </summary>
    public static SecurityKey FromPublicKeyFile(string setting, string path)
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
            return new RsaSecurityKey(rsa);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            try
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(text);
                return new ECDsaSecurityKey(ec);
            }
            catch (Exception inner) when (inner is ArgumentException or CryptographicException)
            {
                throw new KeyConfigurationException($"{setting} ({path}) is not a readable RSA or EC public key.");
            }
        }
    }

    /// <summary>An HMAC secret file for <c>Auth:HmacKeyFiles</c>: base64 of at least 256 random bits, as <c>signing.key</c>.</summary>
    public static SecurityKey FromHmacFile(string setting, string path) =>
        HmacSecret($"{setting} ({path})", ReadKeyFile(setting, path));

    /// <summary>
    /// A configured HMAC secret (base64, at least 256 bits). Refuses what is plainly a key of another kind (PEM, or a DER
    /// public key in base64): such a "secret" is public, and would let anyone mint tokens.
    /// </summary>
    public static SecurityKey HmacSecret(string where, string base64)
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

        return Hmac(secret);
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
}
