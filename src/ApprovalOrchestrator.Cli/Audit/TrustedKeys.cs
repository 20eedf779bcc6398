using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Core.Audit.Log;

namespace ApprovalOrchestrator.Cli.Audit;

/// <summary>
/// <c>--key</c>: a file of verifier keys (one per line, as <c>/.well-known/audit-log-key</c> serves them) or one
/// verifier-key string. The auditor pins these out of band: whatever key a server or bundle names is never trusted.
/// </summary>
internal static class TrustedKeys
{
    public static IReadOnlyList<NoteVerifier> Load(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new CliException("--key is required: the log's public key (a file from /.well-known/audit-log-key, or a 'name+id+key' string).");
        }

        var text = File.Exists(key) ? File.ReadAllText(key) : key;
        try
        {
            var keys = EvidenceVerifier.ParseKeys(text);
            return keys.Count > 0 ? keys : throw new CliException($"--key {key}: no verifier key in it.");
        }
        catch (FormatException ex)
        {
            throw new CliException($"--key {key}: {ex.Message}");
        }
    }
}
