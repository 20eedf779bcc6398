using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Swedish personnummer and samordningsnummer: <c>YYMMDD-NNNN</c>, <c>YYMMDD+NNNN</c> (over 100) or
/// <c>YYYYMMDD-NNNN</c>; the date must exist (day + 60 for a samordningsnummer) and the last digit is the Luhn check
/// over YYMMDDNNN. The separator is required: ten or twelve bare digits are too often something else.
/// </summary>
public sealed class SwedishPersonnummerDetector : RegexDetector
{
    private static readonly Regex Candidate = Compile(@"(?<v>(?<c>(18|19|20))?[0-9]{6}[-+][0-9]{4})");

    public override string Id => DetectorIds.NationalIdSweden;

    public override string Canonical(string value) => value.Length == 13 ? value[2..] : value;

    protected override Regex Pattern => Candidate;

    protected override (int Start, int Length)? Confirm(string text, Match match)
    {
        var v = match.Groups["v"];
        if (!TextAround.IsolatedAlnum(text, v.Index, v.Index + v.Length) || TextAround.At(text, v.Index + v.Length) == '-')
        {
            return null;
        }

        var s = v.Value;
        var o = s.Length - 11; // 0 or 2
        var yy = TextAround.Number(s, o, 2);
        var year = o == 2 ? TextAround.Number(s, 0, 2) * 100 + yy : 1900 + yy; // without a century any existing date will do
        var day = TextAround.Number(s, o + 4, 2);
        if (!Dates.Valid(year, TextAround.Number(s, o + 2, 2), day > 60 ? day - 60 : day) && !(o == 0 && Dates.Valid(2000 + yy, TextAround.Number(s, o + 2, 2), day > 60 ? day - 60 : day)))
        {
            return null;
        }

        var digits = string.Concat(s.AsSpan(o, 6), s.AsSpan(o + 7, 4));
        return Checksums.Luhn(digits) ? (v.Index, v.Length) : null;
    }
}
