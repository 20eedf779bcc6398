using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Dotted-quad IPv4 addresses (each part 0–255, no leading zeros), with an optional <c>/prefix</c> (CIDR) or
/// <c>:port</c> left outside the finding. Not an address: part of a longer dotted run (<c>1.3.6.1.4.1</c>, OIDs), a
/// quad right after <c>v</c> or a version word (<c>version</c>, <c>ver</c>, <c>release</c>, <c>build</c>,
/// <c>firmware</c>, <c>sdk</c>, <c>runtime</c>) or a document-section word (<c>chapter</c>, <c>section</c>, <c>clause</c>, <c>§</c>…) — so <c>v1.2.3.4</c> and <c>version 10.0.19041.1</c> stay, while a
/// bare <c>1.2.3.4</c> is an address (a four-part version with no such word is a known false positive).
/// </summary>
public sealed class Ipv4Detector : RegexDetector
{
    private const string Octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private static readonly Regex Candidate = Compile($@"(?<v>{Octet}\.{Octet}\.{Octet}\.{Octet})");
    // Words after which a dotted quad numbers a version or a section of a document, not a host.
    private static readonly string[] VersionWords =
        ["version", "ver", "release", "build", "firmware", "sdk", "runtime", "chapter", "section", "clause", "paragraph", "step", "item", "§"];

    public override string Id => DetectorIds.Ipv4;

    protected override Regex Pattern => Candidate;

    protected override (int Start, int Length)? Confirm(string text, Match match)
    {
        var v = match.Groups["v"];
        var start = v.Index;
        var end = start + v.Length;
        var before = TextAround.At(text, start - 1);
        var after = TextAround.At(text, end);
        if (char.IsLetterOrDigit(before) || char.IsLetterOrDigit(after) || before == '_' || after == '_'
            || (before is '.' or '-' && char.IsLetterOrDigit(TextAround.At(text, start - 2)))
            || (after is '.' or '-' && char.IsAsciiDigit(TextAround.At(text, end + 1))))
        {
            return null;
        }

        return TextAround.KeywordBefore(text, start, VersionWords, 12) ? null : (start, v.Length);
    }
}
