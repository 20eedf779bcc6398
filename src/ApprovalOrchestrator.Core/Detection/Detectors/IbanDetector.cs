namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// IBANs (ISO 13616): a registered country code, two check digits, then exactly that country's length of
/// alphanumerics, electronic (<c>DE89370400440532013000</c>) or in print groups separated by single spaces
/// (<c>DE89 3704 0044 0532 0130 00</c>); the ISO 7064 mod-97 check must give 1. Letters are taken in either case.
/// </summary>
public sealed class IbanDetector : IDetector
{
    public string Id => DetectorIds.Iban;

    public string Canonical(string value) => new(value.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());

    public IEnumerable<Finding> Find(string text)
    {
        for (var i = 0; i + 4 <= text.Length; i++)
        {
            if (!char.IsAsciiLetter(text[i]) || !char.IsAsciiLetter(text[i + 1]) || !char.IsAsciiDigit(text[i + 2])
                || !char.IsAsciiDigit(text[i + 3]) || char.IsLetterOrDigit(TextAround.At(text, i - 1)))
            {
                continue;
            }

            var country = string.Concat(char.ToUpperInvariant(text[i]), char.ToUpperInvariant(text[i + 1]));
            if (!IbanLengths.ByCountry.TryGetValue(country, out var length) || Read(text, i, length) is not { } end)
            {
                continue;
            }

            yield return new Finding(Id, i, end - i);
            i = end - 1;
        }
    }

    /// <summary>The end of a valid IBAN of <paramref name="length"/> characters starting at <paramref name="start"/>.</summary>
    private static int? Read(string text, int start, int length)
    {
        Span<char> iban = stackalloc char[length];
        var n = 0;
        var i = start;
        while (n < length && i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                iban[n++] = char.ToUpperInvariant(c);
                i++;
            }
            else if (c == ' ' && n >= 4 && i + 1 < text.Length && char.IsAsciiLetterOrDigit(text[i + 1]))
            {
                i++;
            }
            else
            {
                return null;
            }
        }

        // The value must end here: a letter or digit straight after means this is part of something longer.
        if (n < length || char.IsLetterOrDigit(TextAround.At(text, i)))
        {
            return null;
        }

        return Checksums.IbanMod97(iban) ? i : null;
    }
}
