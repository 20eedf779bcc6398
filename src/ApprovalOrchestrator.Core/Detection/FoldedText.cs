using System.Globalization;
using System.Text;

namespace ApprovalOrchestrator.Core.Detection;

/// <summary>
/// The text detectors read, with a map back to the original: invisible format characters (zero-width space and
/// joiners, soft hyphen, BOM, bidi marks) are dropped so they cannot split a value; full-width ASCII forms, Unicode
/// decimal digits, odd spaces and dashes become their ASCII counterparts. One original character becomes at most one
/// folded character, so every folded span maps to exactly one original span (which includes any dropped characters
/// inside it: redacting that span removes the hidden characters too).
/// </summary>
internal sealed class FoldedText
{
    /// <summary>Null when nothing was folded (ASCII text, the common case): positions are the same.</summary>
    private readonly int[]? _origin;

    private FoldedText(string text, int[]? origin)
    {
        Text = text;
        _origin = origin;
    }

    public string Text { get; }

    public static FoldedText Of(string original)
    {
        if (!original.AsSpan().ContainsAnyExceptInRange('\0', '\x7F'))
        {
            return new FoldedText(original, null);
        }

        var sb = new StringBuilder(original.Length);
        var origin = new List<int>(original.Length);
        for (var i = 0; i < original.Length; i++)
        {
            var c = original[i];
            if (c < 0x80)
            {
                sb.Append(c);
                origin.Add(i);
                continue;
            }

            var folded = Fold(c);
            if (folded is { } f)
            {
                sb.Append(f);
                origin.Add(i);
            }
        }

        return new FoldedText(sb.ToString(), origin.ToArray());
    }

    /// <summary>The original span of a folded one.</summary>
    public Finding ToOriginal(Finding folded)
    {
        if (_origin is null)
        {
            return folded;
        }

        var start = _origin[folded.Start];
        var end = _origin[folded.End - 1] + 1;
        return folded with { Start = start, Length = end - start };
    }

    private static char? Fold(char c)
    {
        if (c is >= '\uFF01' and <= '\uFF5E')
        {
            return (char)(c - 0xFEE0); // full-width ASCII block
        }

        if (c == '\uFE6B')
        {
            return '@'; // small commercial at
        }

        var category = char.GetUnicodeCategory(c);
        return category switch
        {
            UnicodeCategory.Format => null,
            UnicodeCategory.DecimalDigitNumber => (char)('0' + (int)char.GetNumericValue(c)),
            UnicodeCategory.SpaceSeparator => ' ',
            UnicodeCategory.DashPunctuation => '-',
            _ when c == '\u2212' => '-', // minus sign
            _ => c,
        };
    }
}
