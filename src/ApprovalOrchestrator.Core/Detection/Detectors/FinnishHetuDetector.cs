using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Finnish personal identity code (henkilötunnus): DDMMYY, a century sign (+ for 1800s; - Y X W V U for 1900s;
/// A B C D E F for 2000s), a 3-digit individual number and a check character
/// <c>0123456789ABCDEFHJKLMNPRSTUVWXY</c>[DDMMYYNNN mod 31]. The date must exist.
/// </summary>
public sealed class FinnishHetuDetector : RegexDetector
{
    private const string Checks = "0123456789ABCDEFHJKLMNPRSTUVWXY";
    private static readonly Regex Candidate = Compile(@"(?<v>[0-9]{6}[-+ABCDEFYXWVU][0-9]{3}[0-9A-Y])");

    public override string Id => DetectorIds.NationalIdFinland;

    protected override Regex Pattern => Candidate;

    protected override (int Start, int Length)? Confirm(string text, Match match)
    {
        var v = match.Groups["v"];
        var s = v.Value;
        if (!TextAround.IsolatedAlnum(text, v.Index, v.Index + v.Length))
        {
            return null;
        }

        var century = s[6] switch
        {
            '+' => 1800,
            '-' or 'Y' or 'X' or 'W' or 'V' or 'U' => 1900,
            _ => 2000,
        };
        if (!Dates.Valid(century + TextAround.Number(s, 4, 2), TextAround.Number(s, 2, 2), TextAround.Number(s, 0, 2)))
        {
            return null;
        }

        var n = long.Parse(string.Concat(s.AsSpan(0, 6), s.AsSpan(7, 3)), System.Globalization.CultureInfo.InvariantCulture);
        return Checks[(int)(n % 31)] == s[10] ? (v.Index, v.Length) : null;
    }
}
