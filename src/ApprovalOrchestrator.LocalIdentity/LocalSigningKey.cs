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
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathBeside(string databaseFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databaseFile)) ?? ".", FileName);

    /// <summary>Reads the key, creating it first when missing (created owner-only from the first byte, never logged).</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = OwnerOnly;
                }

                using (var stream = new FileStream(path, options))
                using (var writer = new StreamWriter(stream))
                {
                    writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                }
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly); // the umask or a copy may have widened it
        }

        return Load(path);
    }

    public static byte[] Load(string path)
    {
        var key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        return key.Length >= 32 ? key : throw new InvalidOperationException($"The signing key in {path} is shorter than 256 bits.");
    }
}
