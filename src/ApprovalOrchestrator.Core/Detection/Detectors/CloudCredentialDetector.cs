using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Cloud secrets recognised by the name they are written under (their values alone are base64 like any other):
/// the value of an AWS secret access key or session token (<c>aws_secret_access_key = …</c>,
/// <c>AWS_SECRET_ACCESS_KEY=…</c>, <c>"SecretAccessKey": "…"</c>, 40 base64 characters); an Azure storage or
/// Service Bus key in a connection string (<c>AccountKey=…</c>, <c>SharedAccessKey=…</c>) or a SAS signature
/// (<c>sig=…</c> with <c>sv=</c> in the same query); a GCP service-account JSON's <c>"private_key"</c> and
/// <c>"private_key_id"</c> values. Only the value is reported, so the name stays readable after redaction.
/// </summary>
public sealed class CloudCredentialDetector : RegexDetector
{
    private const string Quote = "[\"']?";
    private const string Assign = $@"{Quote}\s*[:=]\s*{Quote}";

    private static readonly Regex Candidate = Compile(
        $@"(aws_?secret_?access_?key|secret_?access_?key){Assign}(?<v>[A-Za-z0-9/+]{{40}})"
        + $@"|(aws_?session_?token|session_?token){Assign}(?<v>[A-Za-z0-9/+=]{{100,}})"
        + @"|(AccountKey|SharedAccessKey)=(?<v>[A-Za-z0-9+/]{20,}={0,2})"
        + @"|[?&]sig=(?<v>[A-Za-z0-9%+/]{20,}(%3D|=){0,2})"
        + @"|""private_key""\s*:\s*""(?<v>[^""]{20,})"""
        + @"|""private_key_id""\s*:\s*""(?<v>[0-9a-f]{40})""",
        RegexOptions.IgnoreCase);

    public override string Id => DetectorIds.CloudCredential;

    protected override Regex Pattern => Candidate;

    protected override (int Start, int Length)? Confirm(string text, Match match)
    {
        var v = match.Groups["v"];
        var after = TextAround.At(text, v.Index + v.Length);
        if (char.IsAsciiLetterOrDigit(after))
        {
            return null;
        }

        // "sig=" alone is any URL parameter; with "sv=" (the storage service version) in the same URL it is a SAS.
        var from = Math.Max(0, match.Index - 512);
        var sas = text[match.Index] is '?' or '&';
        return !sas || text.AsSpan(from, match.Index - from).Contains("sv=", StringComparison.Ordinal)
            || text.AsSpan(v.Index, Math.Min(512, text.Length - v.Index)).Contains("&sv=", StringComparison.Ordinal)
            ? (v.Index, v.Length)
            : null;
    }
}
