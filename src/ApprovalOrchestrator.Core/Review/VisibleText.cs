using System.Globalization;
using System.Text;

namespace ApprovalOrchestrator.Core.Review;

/// <summary>
/// Makes characters that render as nothing (or reorder what is around them) visible to the person approving: an attacker
/// can hide a recipient behind a zero-width space or flip a line with a bidi override, and the action hash covers the text
/// exactly as sent. Each such character becomes a marker like <c>⟦U+202E RLO⟧</c>; everything else is left as is.
/// </summary>
/// <remarks>
/// Marked: every format character (general category Cf: zero-width spaces and joiners, bidi embeddings, overrides and
/// isolates, marks, word joiner, soft hyphen, BOM, tag characters), control characters other than tab and line feed,
/// variation selectors, the combining grapheme joiner, Hangul and Khmer fillers, Mongolian free variation selectors, and
/// line/paragraph separators: the Unicode default-ignorable code points plus the controls.
/// </remarks>
public static class VisibleText
{
    private static readonly Dictionary<int, string> Names = new()
    {
        [0x00AD] = "SHY",
        [0x034F] = "CGJ",
        [0x061C] = "ALM",
        [0x180E] = "MVS",
        [0x200B] = "ZWSP",
        [0x200C] = "ZWNJ",
        [0x200D] = "ZWJ",
        [0x200E] = "LRM",
        [0x200F] = "RLM",
        [0x2028] = "LSEP",
        [0x2029] = "PSEP",
        [0x202A] = "LRE",
        [0x202B] = "RLE",
        [0x202C] = "PDF",
        [0x202D] = "LRO",
        [0x202E] = "RLO",
        [0x2060] = "WJ",
        [0x2066] = "LRI",
        [0x2067] = "RLI",
        [0x2068] = "FSI",
        [0x2069] = "PDI",
        [0x3164] = "HANGUL FILLER",
        [0xFEFF] = "BOM",
    };

    /// <summary>True when <paramref name="rune"/> would be invisible (or silently reorder the text) on screen.</summary>
    public static bool IsHidden(Rune rune)
    {
        var v = rune.Value;
        if (v is '\t' or '\n')
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            || v is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x3164 or 0xFFA0
            || v is >= 0x180B and <= 0x180F
            || v is >= 0xFE00 and <= 0xFE0F
            || v is >= 0xE0000 and <= 0xE0FFF;
    }

    /// <summary>The marker shown in place of a hidden character, e.g. <c>⟦U+200B ZWSP⟧</c>.</summary>
    public static string Marker(Rune rune) =>
        Names.TryGetValue(rune.Value, out var name) ? $"⟦U+{rune.Value:X4} {name}⟧" : $"⟦U+{rune.Value:X4}⟧";

    /// <summary><paramref name="text"/> with every hidden character replaced by its <see cref="Marker"/>.</summary>
    public static string Reveal(string text)
    {
        if (!text.EnumerateRunes().Any(IsHidden))
        {
            return text;
        }

        var shown = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsHidden(rune))
            {
                shown.Append(Marker(rune));
            }
            else
            {
                shown.Append(rune.ToString());
            }
        }

        return shown.ToString();
    }

    /// <summary>The distinct hidden characters in the texts, as markers, in order of first appearance.</summary>
    public static IReadOnlyList<string> Find(IEnumerable<string> texts) =>
        texts.SelectMany(t => t.EnumerateRunes()).Where(IsHidden).Select(Marker).Distinct(StringComparer.Ordinal).ToList();
}
