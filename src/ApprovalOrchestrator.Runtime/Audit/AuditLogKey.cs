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

    public static string PathFor(AuditLogOptions options, string dataDirectory) =>
        options.KeyFile is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(dataDirectory, FileName);

    public static NoteSigner LoadOrCreate(string path, string origin)
    {
        if (!File.Exists(path))
        {
            using var created = NoteKeys.GenerateSigner(origin, RandomNumberGenerator.GetBytes(32));
            LocalIdentity.OwnerOnlyFile.CreateOnce(path, created.SignerKey + "\n"); // false: another process was first; use theirs
        }

        LocalIdentity.OwnerOnlyFile.RestrictToOwner(path);

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
