using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Spanish DNI (8 digits and a letter) and NIE (X, Y or Z, 7 digits and a letter), optionally with a '-' or space
/// before the letter. The letter is the check: <c>TRWAGMYFPDXBNJZSQVHLCKE</c>[number mod 23], with X/Y/Z read as 0/1/2.
/// Upper case only, as printed on the card.
/// </summary>
public sealed class SpanishDniDetector : RegexDetector
{
    private const string Letters = "TRWAGMYFPDXBNJZSQVHLCKE";
    private static readonly Regex Candidate = Compile(@"(?<v>[XYZ]?[0-9]{7,8}[ -]?[A-Z])");

    public override string Id => DetectorIds.NationalIdSpain;

    public override string Canonical(string value) => value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    protected override Regex Pattern => Candidate;

    protected override (int Start, int Length)? Confirm(string text, Match match)
    {
        var v = match.Groups["v"];
        if (!TextAround.IsolatedAlnum(text, v.Index, v.Index + v.Length))
        {
            return null;
        }

        var value = Canonical(v.Value);
        var body = value[..^1];
        var nie = body[0] is 'X' or 'Y' or 'Z';
        if (body.Length != 8 || (nie && body.Skip(1).Any(c => !char.IsAsciiDigit(c))))
        {
            return null;
        }

        var number = nie ? (body[0] - 'X') * 10_000_000 + int.Parse(body.AsSpan(1), provider: System.Globalization.CultureInfo.InvariantCulture)
                         : int.Parse(body, provider: System.Globalization.CultureInfo.InvariantCulture);
        return Letters[number % 23] == value[^1] ? (v.Index, v.Length) : null;
    }
}
