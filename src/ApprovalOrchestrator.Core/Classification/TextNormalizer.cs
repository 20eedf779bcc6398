using System.Text;
using ApprovalOrchestrator.Core.Classification.Folding;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Folds request text (and definition terms, the same way) before matching, as Unicode's security mechanisms do
/// (UTS #39), so invisible characters, combining marks, compatibility forms and look-alike letters from other scripts
/// cannot dodge a rule. All Unicode data comes from ICU (<see cref="TextFolding.DataVersion"/>); see docs/definitions.md,
/// "How text is matched".
/// </summary>
public static class TextNormalizer
{
    /// <summary>
    /// The plain fold: NFKC with full case folding (NFKC_Casefold), then canonical decomposition (NFD); every
    /// default-ignorable code point, combining mark (Mn, Mc, Me), control and format character dropped; white space runs
    /// collapsed to one space and trimmed; recomposed (NFC). Look-alikes are not mapped: see <see cref="Skeleton"/>.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        TextFolding.EnsureAvailable();
        if (IsAscii(text))
        {
            return Strip(text.ToLowerInvariant());
        }

        return IcuLibrary.NormalizeNfc(Strip(IcuLibrary.NormalizeNfd(IcuLibrary.NormalizeNfkcCasefold(text))));
    }

    /// <summary>As <see cref="Normalize"/> but keeping case (NFKC, not NFKC_Casefold): the input of the skeleton, whose
    /// confusables data is case-sensitive (Greek capital "Τ" imitates "T"; its small letter "τ" does not imitate "t").</summary>
    public static string NormalizeKeepingCase(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        TextFolding.EnsureAvailable();
        if (IsAscii(text))
        {
            return Strip(text);
        }

        return IcuLibrary.NormalizeNfc(Strip(IcuLibrary.NormalizeNfd(IcuLibrary.NormalizeNfkc(text))));
    }

    /// <summary>
    /// The confusable fold: the UTS #39 skeleton (each character replaced by its prototype in Unicode's confusables data,
    /// so Cyrillic "е" and Latin "e", or "1" and "l", fold alike) of the case-keeping fold, case-folded, and the skeleton and
    /// plain fold once more, so that "REMOVE" and "remove" (whose "m" has the prototype "rn") fold alike too.
    /// Two strings are confusable when their skeletons are equal.
    /// </summary>
    public static string Skeleton(string text)
    {
        var cased = NormalizeKeepingCase(text);
        return cased.Length == 0 ? cased : Normalize(IcuLibrary.Skeleton(Normalize(IcuLibrary.Skeleton(cased))));
    }

    /// <summary>
    /// The plain fold with only the non-ASCII characters replaced by their skeleton: ASCII text (digits, "m", "l") stays as
    /// written, so a regex an author wrote in ASCII still reads it, while a Cyrillic "а" reads as "a".
    /// </summary>
    public static string Deconfuse(string text)
    {
        var plain = NormalizeKeepingCase(text);
        if (IsAscii(plain))
        {
            return plain.ToLowerInvariant();
        }

        var sb = new StringBuilder(plain.Length);
        foreach (var rune in plain.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                sb.Append((char)rune.Value);
            }
            else
            {
                sb.Append(IcuLibrary.Skeleton(rune.ToString()));
            }
        }

        return Normalize(sb.ToString());
    }

    internal static bool IsAscii(string text) => Ascii.IsValid(text);

    // Drops what is invisible or carries no letter (default-ignorables, marks, controls, format characters) and collapses
    // white space. ASCII is decided without a call into ICU.
    private static string Strip(string decomposed)
    {
        var sb = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var rune in decomposed.EnumerateRunes())
        {
            var cp = rune.Value;
            var isSpace = rune.IsAscii ? cp is ' ' or (>= '\t' and <= '\r') : IcuLibrary.IsWhiteSpace(cp);
            if (isSpace)
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (rune.IsAscii ? cp < 0x20 || cp == 0x7F : IsDropped(cp))
            {
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(rune);
        }

        return sb.ToString();
    }

    // Mn, Me, Mc (6, 7, 8), Cc (15), Cf (16) in ICU's UCharCategory numbering.
    private static bool IsDropped(int cp) =>
        IcuLibrary.IsDefaultIgnorable(cp) || IcuLibrary.Category(cp) is 6 or 7 or 8 or 15 or 16;
}
