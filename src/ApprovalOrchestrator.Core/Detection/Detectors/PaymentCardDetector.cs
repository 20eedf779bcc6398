namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Payment card numbers (PANs): 13–19 digits, unbroken or in groups joined by one kind of separator (space or '-'),
/// passing Luhn and starting with an issuer range of a major scheme at a length that scheme issues: Visa 4 (13, 16,
/// 19), Mastercard 51–55 and 2221–2720 (16), American Express 34/37 (15), Discover 6011/644–649/65 (16–19), Diners
/// 36/300–305/38–39 (14–19), JCB 3528–3589 (16–19), UnionPay 62 (16–19), Maestro 50/56–69 (13–19), Mir 2200–2204 (16).
/// When the groups run on (a CVV or a year after the number), the longest leading groups that form a card win.
/// </summary>
public sealed class PaymentCardDetector : IDetector
{
    public string Id => DetectorIds.PaymentCard;

    public string Canonical(string value) => new(value.Where(char.IsAsciiDigit).ToArray());

    public IEnumerable<Finding> Find(string text)
    {
        foreach (var run in DigitGroups.RunsIn(text, phoneLike: false, StartsRun))
        {
            for (var k = run.GroupsWithin(19); k >= 1; k--)
            {
                var separator = k > 1 ? run.Groups[1].SeparatorBefore : ' ';
                if (separator == '.' || !run.SeparatorsAre(k, separator)
                    || (k < run.Count && run.Groups[k].SeparatorBefore != ' ')
                    || (k == run.Count && char.IsLetter(TextAround.At(text, run.EndOf(k)))))
                {
                    continue;
                }

                var digits = run.Digits(k);
                if (digits.Length is >= 13 and <= 19 && Checksums.Luhn(digits) && IssuerAccepts(digits))
                {
                    yield return new Finding(Id, run.Start, run.EndOf(k) - run.Start);
                    break;
                }
            }
        }
    }

    /// <summary>After '+' a digit run is a phone number; after "1." or "3," it continues a number.</summary>
    private static bool StartsRun(string text, int i) =>
        DigitGroups.StartsAfterBoundary(text, i) && TextAround.At(text, i - 1) != '+'
        && !(TextAround.At(text, i - 1) is '.' or ',' or '-' && char.IsAsciiDigit(TextAround.At(text, i - 2)));

    internal static bool IssuerAccepts(string d)
    {
        var n = d.Length;
        int P(int digits) => int.Parse(d.AsSpan(0, digits), provider: System.Globalization.CultureInfo.InvariantCulture);
        return (d[0] == '4' && n is 13 or 16 or 19)
            || (P(2) is >= 51 and <= 55 && n == 16)
            || (P(4) is >= 2221 and <= 2720 && n == 16)
            || (P(4) is >= 2200 and <= 2204 && n == 16)
            || (P(2) is 34 or 37 && n == 15)
            || ((P(4) == 6011 || P(3) is >= 644 and <= 649 || P(2) == 65) && n >= 16)
            || ((P(2) is 36 or 38 or 39 || P(3) is >= 300 and <= 305) && n >= 14)
            || (P(4) is >= 3528 and <= 3589 && n >= 16)
            || (P(2) == 62 && n >= 16)
            || ((P(2) == 50 || P(2) is >= 56 and <= 69) && n >= 13);
    }
}
