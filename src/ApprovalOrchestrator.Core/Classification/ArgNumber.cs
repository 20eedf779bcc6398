using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Reads a tool argument as a number for <c>gt</c>/<c>gte</c>/<c>lt</c>/<c>lte</c>/<c>eq</c>, so an agent cannot dodge
/// <c>amount &gt; 10000</c> by writing the amount another way. The grammar (docs/definitions.md, "Numbers in arguments"):
/// a JSON number; or a string of, after trimming white space, an optional sign (+, -, U+2212), then either
/// <c>0x</c>/<c>0o</c>/<c>0b</c> and digits of that base, or decimal digits of any script (fullwidth too) with digit-group
/// separators (<c>_</c>, space, no-break/thin space, apostrophe, and <c>,</c> or <c>.</c> in groups of three), an optional
/// decimal point (<c>.</c> or <c>,</c>), and an optional exponent (<c>e4</c>, <c>E-2</c>). A string that fits more than one
/// reading (<c>"20.000"</c>: 20 or 20000) yields every reading; a comparison that holds for some readings and not others is
/// indeterminate. Anything else is not a number, and a magnitude comparison on it is indeterminate (fail closed).
/// </summary>
internal static class ArgNumber
{
    /// <summary>Every reading of <paramref name="value"/> as a number, or null when it is not one.</summary>
    public static double[]? Read(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => [double.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture)],
        JsonValueKind.String => Parse(value.GetString()!),
        _ => null,
    };

    /// <summary>True when <paramref name="text"/> has a digit of any script: a number the grammar failed to read.</summary>
    public static bool HasDigit(string text) => text.EnumerateRunes().Any(Rune.IsDigit);

    /// <summary>Every reading of <paramref name="text"/>, or null when the grammar does not read it.</summary>
    public static double[]? Parse(string text)
    {
        var s = Canonical(text.Trim());
        if (s is null || s.Length == 0)
        {
            return null;
        }

        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        var readings = s.Length > 2 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'x' or 'o' or 'b'
            ? Based(s[2..], char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, _ => 2 })
            : Decimal(s);
        return readings?.Select(r => negative ? -r : r).Distinct().ToArray();
    }

    // Digits of any script become ASCII; fullwidth punctuation its ASCII form; U+2212 a minus. Null on a character no
    // number has (letters other than the base prefix, hex digits and the exponent are rejected later).
    private static string? Canonical(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber)
            {
                sb.Append((char)('0' + (int)Rune.GetNumericValue(rune)));
            }
            else if (rune.Value is >= 0xFF01 and <= 0xFF5E)
            {
                sb.Append((char)(rune.Value - 0xFEE0));
            }
            else if (rune.Value == 0x2212)
            {
                sb.Append('-');
            }
            else if (rune.Value is '\u00A0' or '\u202F' or '\u2009' or '\u2007' or '\'' or '\u2019' or '_' or ' ')
            {
                sb.Append('_'); // a digit-group separator
            }
            else if (rune.IsAscii)
            {
                sb.Append((char)rune.Value);
            }
            else
            {
                return null;
            }
        }

        return sb.ToString();
    }

    private static double[]? Based(string digits, int radix)
    {
        var plain = WithoutGroupSeparators(digits);
        if (plain is null || plain.Length == 0)
        {
            return null;
        }

        var value = BigInteger.Zero;
        foreach (var c in plain)
        {
            var d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => radix,
            };
            if (d >= radix)
            {
                return null;
            }

            value = (value * radix) + d;
        }

        return [(double)value];
    }

    private static double[]? Decimal(string s)
    {
        var exponent = string.Empty;
        var e = s.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exponent = s[(e + 1)..];
            s = s[..e];
            var digits = exponent.TrimStart('+', '-');
            if (digits.Length == 0 || digits.Length < exponent.Length - 1 || !digits.All(char.IsAsciiDigit))
            {
                return null;
            }

            exponent = "e" + exponent;
        }

        var mantissa = WithoutGroupSeparators(s);
        if (mantissa is null || !mantissa.Any(char.IsAsciiDigit) || !mantissa.All(c => char.IsAsciiDigit(c) || c is ',' or '.'))
        {
            return null;
        }

        var readings = MantissaReadings(mantissa);
        return readings.Count == 0
            ? null
            : readings.Select(m => double.Parse(m + exponent, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
    }

    // The plain "123.45" strings the mantissa can mean, with ',' and '.' as group or decimal separators.
    private static List<string> MantissaReadings(string m)
    {
        var commas = m.Count(c => c == ',');
        var dots = m.Count(c => c == '.');
        var readings = new List<string>();
        if (commas == 0 && dots == 0)
        {
            readings.Add(m);
        }
        else if (commas > 0 && dots > 0)
        {
            // Both: the last one is the decimal point, the other groups thousands ("20,000.50", "20.000,50").
            var last = Math.Max(m.LastIndexOf(','), m.LastIndexOf('.'));
            var point = m[last];
            var group = point == '.' ? ',' : '.';
            var integer = m[..last];
            var fraction = m[(last + 1)..];
            if (m.Count(c => c == point) == 1 && IsGrouped(integer, group) && fraction.All(char.IsAsciiDigit))
            {
                readings.Add(integer.Replace(group.ToString(), string.Empty, StringComparison.Ordinal) + "." + fraction);
            }
        }
        else
        {
            var separator = commas > 0 ? ',' : '.';
            if (IsGrouped(m, separator))
            {
                readings.Add(m.Replace(separator.ToString(), string.Empty, StringComparison.Ordinal));
            }

            var at = m.IndexOf(separator);
            if (commas + dots == 1 && (at > 0 || at + 1 < m.Length))
            {
                readings.Add($"{(at == 0 ? "0" : m[..at])}.{(at + 1 == m.Length ? "0" : m[(at + 1)..])}");
            }
        }

        return readings;
    }

    // "1,234,567": a first group of 1 to 3 digits, then groups of exactly 3.
    private static bool IsGrouped(string m, char separator)
    {
        var groups = m.Split(separator);
        return groups.Length > 1
            && groups[0].Length is >= 1 and <= 3 && groups[0].All(char.IsAsciiDigit)
            && groups.Skip(1).All(g => g.Length == 3 && g.All(char.IsAsciiDigit));
    }

    // '_' (any digit-group separator, see Canonical) only between two digits; null when one stands elsewhere.
    private static string? WithoutGroupSeparators(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '_')
            {
                sb.Append(s[i]);
            }
            else if (i == 0 || i + 1 == s.Length || !char.IsAsciiHexDigit(s[i - 1]) || !char.IsAsciiHexDigit(s[i + 1]))
            {
                return null;
            }
        }

        return sb.ToString();
    }
}
