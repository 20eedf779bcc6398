using System.Security.Cryptography;
using ApprovalOrchestrator.Core.Audit.Log;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>
/// The log's Ed25519 signer key: a signed-note "PRIVATE+KEY+…" line in a file beside the database (or configured),
/// created owner-only (0600) from its first byte on first start, like the JWT signing.key. Never logged.
/// </summary>
public static class AuditLogKey
{
    public const string FileName = "audit-log.key";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathFor(AuditLogOptions options, string dataDirectory) =>
        options.KeyFile is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(dataDirectory, FileName);

    public static NoteSigner LoadOrCreate(string path, string origin)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var created = NoteKeys.GenerateSigner(origin, RandomNumberGenerator.GetBytes(32));
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = OwnerOnly;
                }

                using var writer = new StreamWriter(new FileStream(path, options));
                writer.WriteLine(created.SignerKey);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }

        try
        {
            return NoteKeys.ParseSigner(File.ReadAllText(path));
        }
        catch (FormatException ex)
        {
            // The message names the file and the format, never the content.
            throw new InvalidOperationException($"The audit log key in {path} is not a signed-note signer key: {ex.Message}");
        }
    }
}
