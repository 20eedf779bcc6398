using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// IPv6 addresses in RFC 4291 text form (full, <c>::</c>-compressed, with an embedded IPv4 tail), validated by the
/// framework's parser. To keep <c>Foo::Bar</c>, MAC addresses (<c>00:1a:2b:3c:4d:5e</c>, six groups, no <c>::</c>) and
/// times (<c>10:30:00</c>) out, a candidate needs at least one digit, and either eight groups or a <c>::</c>.
/// A zone (<c>%eth0</c>) or a port in brackets is left outside the finding.
/// </summary>
public sealed class Ipv6Detector : RegexDetector
{
    private static readonly Regex Candidate = Compile(
        @"(?<v>([0-9A-Fa-f]{1,4}|:)(:[0-9A-Fa-f]{0,4}){2,7}(\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})?|::[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{1,4}){0,5})");

    public override string Id => DetectorIds.Ipv6;

    public override string Canonical(string value) =>
        IPAddress.TryParse(value, out var ip) ? ip.ToString() : value.ToLowerInvariant();

    protected override Regex Pattern => Candidate;

    protected override (int Start, int Length)? Confirm(string text, Match match)
    {
        var v = match.Groups["v"];
        var s = v.Value;
        var start = v.Index;
        var end = start + v.Length;
        var before = TextAround.At(text, start - 1);
        var after = TextAround.At(text, end);
        if (char.IsLetterOrDigit(before) || before is '_' or ':' or '.' || char.IsLetterOrDigit(after) || after is '_' or ':')
        {
            return null;
        }

        var groups = s.Count(c => c == ':') + 1;
        var compressed = s.Contains("::", StringComparison.Ordinal);
        if (!s.Any(char.IsAsciiDigit) || (!compressed && groups < 8 && !s.Contains('.', StringComparison.Ordinal)) || s.Length < 3)
        {
            return null;
        }

        return IPAddress.TryParse(s, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? (start, v.Length) : null;
    }
}
