namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Telephone numbers, tuned for precision over recall because digit runs are everywhere (dates, prices, ids):
/// <list type="bullet">
/// <item>international: <c>+</c> (or <c>00</c>) and 8–15 digits in any grouping (E.164), except date shapes;</item>
/// <item>North American: <c>(555) 123-4567</c>, <c>555-123-4567</c>, <c>555.123.4567</c>, <c>555 123 4567</c>
/// (3-3-4 groups, area code 2–9, optional leading 1);</item>
/// <item>national with a trunk 0: <c>020 7946 0958</c>, <c>01 23 45 67 89</c>, <c>(030) 1234567</c>,
/// <c>06-12345678</c> — 9–12 digits, the groups after the first of 3+ digits unless all are pairs;</item>
/// <item>anything else of 9–15 digits (one run or groups) only right after a word such as <c>phone</c>, <c>tel</c>,
/// <c>mobile</c>, <c>call</c>.</item>
/// </list>
/// Dots are accepted only as a whole number's separators in the 3-3-4 or five-pairs shapes (so versions and IPs
/// are not phones); a run right after an order-like word (<c>order</c>, <c>invoice</c>, <c>ticket</c>, <c>#</c>…) is
/// not a phone unless it starts with <c>+</c>.
/// </summary>
public sealed class PhoneDetector : IDetector
{
    private static readonly string[] PhoneWords =
        ["phone", "tel", "telephone", "mobile", "mob", "cell", "call", "fax", "whatsapp", "sms", "text", "ring", "dial", "telefon", "téléphone", "móvil", "gsm"];

    private static readonly string[] IdWords =
        ["order", "invoice", "ticket", "ref", "reference", "id", "no", "nr", "po", "sku", "tracking", "account", "acct", "iban", "case", "build", "serial", "batch", "nhs", "ssn", "sin", "tin", "vat", "ein", "isbn"];

    public string Id => DetectorIds.Phone;

    public string Canonical(string value) => new(value.Where(char.IsAsciiDigit).ToArray());

    public IEnumerable<Finding> Find(string text)
    {
        foreach (var run in DigitGroups.RunsIn(text, phoneLike: true, StartsRun))
        {
            var taken = Take(text, run);
            if (taken > 0)
            {
                yield return new Finding(Id, run.Start, run.EndOf(taken) - run.Start);
            }
        }
    }

    private static bool StartsRun(string text, int i)
    {
        var c = text[i];
        return (char.IsAsciiDigit(c) || ((c == '+' || c == '(') && char.IsAsciiDigit(TextAround.At(text, i + 1)))) && BoundaryBefore(text, i);
    }

    private static bool BoundaryBefore(string text, int i)
    {
        var p = TextAround.At(text, i - 1);
        if (char.IsLetterOrDigit(p) || p is '_' or '#' or '@' or '$' or '€' or '£' or '¥' or '%' or '&' or '/' or '\\' or '+' or '=')
        {
            return false;
        }

        // "1.5", "3,000", "10:30", "2-3": the run continues a number.
        return !(p is '.' or ',' or ':' or '-' && char.IsAsciiDigit(TextAround.At(text, i - 2)));
    }

    /// <summary>How many leading groups form a phone number (longest first), or 0.</summary>
    private static int Take(string text, DigitGroups run)
    {
        var phoneContext = TextAround.KeywordBefore(text, run.Start, PhoneWords, 24);
        var idContext = TextAround.At(text, run.Start - 1) == '#' || TextAround.KeywordBefore(text, run.Start, IdWords, 16);
        // E.164 allows 15 digits, plus a 00 international prefix.
        for (var k = run.GroupsWithin(17); k >= 1; k--)
        {
            // Trailing groups may be dropped only at a space: "555 123 4567 2 times", not "0123-456-7890-55".
            if (k < run.Count && run.Groups[k].SeparatorBefore != ' ')
            {
                continue;
            }

            if (k == run.Count && !BoundaryAfter(text, run.EndOf(k)))
            {
                return 0;
            }

            if (Accept(run, k, phoneContext, idContext))
            {
                return k;
            }
        }

        return 0;
    }

    private static bool BoundaryAfter(string text, int end)
    {
        var c = TextAround.At(text, end);
        var next = TextAround.At(text, end + 1);
        return !(char.IsLetterOrDigit(c) || c is '_' or '@' or '%' || (c is ':' or '/' && char.IsAsciiDigit(next)));
    }

    private static bool Accept(DigitGroups run, int k, bool phoneContext, bool idContext)
    {
        var all = run.Digits(k);
        var digits = all.Length;
        var first = run.Digits(1);
        var dots = false;
        for (var i = 1; i < k; i++)
        {
            dots |= run.Groups[i].SeparatorBefore == '.';
        }

        if (dots && !run.SeparatorsAre(k, '.'))
        {
            return false;
        }

        // After '+' or the 00 international prefix: the country code and subscriber number, 8–15 digits (E.164).
        var international = run.Plus ? all : k > 1 && all.StartsWith("00", StringComparison.Ordinal) ? all[2..] : null;
        if (international is not null)
        {
            return international.Length is >= 8 and <= 15 && international[0] != '0' && !DateShaped(run, k)
                && (!dots || Pairs(run, k) || NorthAmerican(run, k));
        }

        if (idContext)
        {
            return false;
        }

        if (NorthAmerican(run, k))
        {
            return true;
        }

        // After the trunk group, groups of 3+ digits (020 7946 0958) or five pairs (01 23 45 67 89): "078-05-1120" is not a phone.
        if (first[0] == '0' && digits is >= 9 and <= 12 && k >= 2 && run.Groups[0].Length is >= 2 and <= 5)
        {
            return Pairs(run, k) || (!dots && AllGroupsAtLeast(run, k, 3, from: 1));
        }

        return phoneContext && !dots && digits is >= 9 and <= 15 && (k == 1 || AllGroupsAtLeast(run, k, 2));
    }

    /// <summary>3-3-4, optionally after a country code 1 (<c>1-800-555-0199</c>), area code 2–9, one separator kind after the area code.</summary>
    private static bool NorthAmerican(DigitGroups run, int k)
    {
        var o = k == 4 && run.Groups[0].Length == 1 && run.Digits(1) == "1" ? 1 : 0;
        if (k - o != 3 || run.Groups[o].Length != 3 || run.Groups[o + 1].Length != 3 || run.Groups[o + 2].Length != 4
            || run.Digits(o + 1)[o] is '0' or '1')
        {
            return false;
        }

        var last = run.Groups[o + 2].SeparatorBefore;
        var middle = run.Groups[o + 1].SeparatorBefore;
        return last is ' ' or '-' or '.' && (middle == last || (run.Groups[o].Parenthesized && middle is ' ' or ')'));
    }

    /// <summary>Five pairs, as French numbers are written (01 23 45 67 89 / 01.23.45.67.89).</summary>
    private static bool Pairs(DigitGroups run, int k) =>
        k == 5 && AllGroupsAtLeast(run, k, 2) && run.DigitCount(k) == 10;

    private static bool AllGroupsAtLeast(DigitGroups run, int k, int length, int from = 0)
    {
        for (var i = from; i < k; i++)
        {
            if (run.Groups[i].Length < length)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>2026-12-02, 02.12.2026, 2026 12 02.</summary>
    private static bool DateShaped(DigitGroups run, int k) =>
        k == 3 && ((run.Groups[0].Length == 4 && run.Groups[1].Length <= 2 && run.Groups[2].Length <= 2)
                   || (run.Groups[0].Length <= 2 && run.Groups[1].Length <= 2 && run.Groups[2].Length == 4));
}
