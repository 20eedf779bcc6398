namespace ApprovalOrchestrator.Core.Detection;

/// <summary>The check-digit algorithms the detectors verify. Inputs are ASCII digits (or alphanumerics for mod-97).</summary>
internal static class Checksums
{
    /// <summary>Luhn (ISO/IEC 7812-1): payment cards, Swedish personnummer.</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    /// <summary>ISO 7064 MOD 97-10 as ISO 13616 applies it to an IBAN (country and check digits moved to the end).</summary>
    public static bool IbanMod97(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var i = 0; i < iban.Length; i++)
        {
            var c = iban[(i + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }

    private static readonly int[,] VerhoeffD =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 }, { 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
        { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 }, { 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
        { 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 }, { 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
        { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
    };

    private static readonly int[,] VerhoeffP =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 }, { 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
        { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 }, { 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
        { 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
    };

    /// <summary>Verhoeff (dihedral group D5): Indian Aadhaar.</summary>
    public static bool Verhoeff(ReadOnlySpan<char> digits)
    {
        var c = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            c = VerhoeffD[c, VerhoeffP[i % 8, digits[digits.Length - 1 - i] - '0']];
        }

        return c == 0;
    }

    /// <summary>The Dutch "elfproef" for a BSN: weights 9..2 and -1, sum divisible by 11.</summary>
    public static bool ElevenProof(ReadOnlySpan<char> nineDigits)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (9 - i) * (nineDigits[i] - '0');
        }

        sum -= nineDigits[8] - '0';
        return sum % 11 == 0;
    }

    public static ReadOnlySpan<char> DigitsOnly(ReadOnlySpan<char> text, Span<char> buffer)
    {
        var n = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) && n < buffer.Length)
            {
                buffer[n++] = c;
            }
        }

        return buffer[..n];
    }
}
