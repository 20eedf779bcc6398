using System.Security.Cryptography;

namespace ApprovalOrchestrator.LocalIdentity;

/// <summary>
/// The embedded default's signing key: 256 random bits for HMAC-SHA256, base64 in a file beside the database, mode 0600.
/// HMAC rather than a key pair because here the same party mints (aoctl, tests, on this machine, reading this file) and
/// verifies (the server): a private/public split would protect nothing, while a symmetric key needs no PEM handling.
/// Deployments that need verification without minting power configure an OIDC authority or public keys instead.
/// </summary>
public static class LocalSigningKey
{
    public const string FileName = "signing.key";

    public static string PathBeside(string databaseFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databaseFile)) ?? ".", FileName);

    /// <summary>Reads the key, creating it first when missing (created owner-only from the first byte, never logged).</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            OwnerOnlyFile.CreateOnce(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))); // false: another process was first; use theirs
        }

        OwnerOnlyFile.RestrictToOwner(path);
        return Load(path);
    }

    public static byte[] Load(string path)
    {
        var key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        return key.Length >= 32 ? key : throw new InvalidOperationException($"The signing key in {path} is shorter than 256 bits.");
    }
}
