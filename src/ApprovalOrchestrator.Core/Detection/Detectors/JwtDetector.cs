using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// JSON Web Tokens in compact JWS form: <c>header.payload.signature</c> in base64url, where the header decodes to a
/// JSON object with an <c>alg</c> (so any <c>eyJ…</c>-looking dotted string that is not a token is left alone). The
/// signature may be empty (<c>alg: none</c>). JWE (five parts) is matched on its first three parts.
/// </summary>
public sealed class JwtDetector : RegexDetector
{
    private static readonly Regex Candidate = Compile(@"(?<h>eyJ[A-Za-z0-9_-]{5,})\.(?<p>[A-Za-z0-9_-]{2,})\.(?<s>[A-Za-z0-9_-]*)");

    public override string Id => DetectorIds.Jwt;

    protected override Regex Pattern => Candidate;

    protected override (int Start, int Length)? Confirm(string text, Match match)
    {
        var start = match.Index;
        var end = start + match.Length;
        var before = TextAround.At(text, start - 1);
        if (char.IsAsciiLetterOrDigit(before) || before is '_' or '-' || HeaderAlg(match.Groups["h"].Value) is null)
        {
            return null;
        }

        return (start, match.Length);
    }

    private static string? HeaderAlg(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - s.Length % 4) % 4), '=');
        Span<byte> bytes = stackalloc byte[s.Length];
        if (!Convert.TryFromBase64String(s, bytes, out var n))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes[..n]));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("alg", out var alg)
                && alg.ValueKind == JsonValueKind.String ? alg.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
