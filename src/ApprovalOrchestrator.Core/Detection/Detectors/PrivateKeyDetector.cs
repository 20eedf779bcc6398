using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Private key blocks: PEM (<c>-----BEGIN [RSA |EC |DSA |ENCRYPTED |OPENSSH ]PRIVATE KEY-----</c>), PGP
/// (<c>-----BEGIN PGP PRIVATE KEY BLOCK-----</c>) and PuTTY (<c>PuTTY-User-Key-File-</c>), through the matching END
/// line. The newlines may be real or JSON-escaped (<c>\n</c>). A BEGIN with no END (a truncated paste) is matched to
/// the end of the text: leaking half a key is leaking a key.
/// </summary>
public sealed class PrivateKeyDetector : RegexDetector
{
    private const string Label = @"([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?";

    private static readonly Regex Candidate = Compile(
        $@"-----BEGIN {Label}-----([\s\S]*?-----END {Label}-----|[\s\S]*)|PuTTY-User-Key-File-[0-9]+:([\s\S]*?Private-MAC: [0-9a-fA-F]+|[\s\S]*)");

    public override string Id => DetectorIds.PrivateKey;

    protected override Regex Pattern => Candidate;

    protected override (int Start, int Length)? Confirm(string text, Match match) => (match.Index, match.Length);
}
