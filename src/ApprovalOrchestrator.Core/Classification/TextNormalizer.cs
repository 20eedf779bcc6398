using System.Globalization;
using System.Text;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Puts request text into one canonical form before matching, so look-alike spellings
/// (full-width letters, hidden zero-width characters, odd whitespace) cannot dodge a rule.
/// </summary>
public static class TextNormalizer
{
    /// <summary>
    /// NFKC, then lower-case (invariant), then drop control and format characters
    /// (control whitespace such as tab/newline becomes a space first), collapse whitespace runs, trim.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // NFKC folds compatibility forms (full-width, ligatures) into plain letters before casing.
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

        var sb = new StringBuilder(folded.Length);
        var pendingSpace = false;
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            var category = char.GetUnicodeCategory(c);
            // Format characters (ZWSP, ZWJ, soft hyphen, BOM, bidi marks) are invisible: removing them
            // rejoins a word that was split to evade matching. Other controls carry no text.
            if (category is UnicodeCategory.Format or UnicodeCategory.Control)
            {
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
