using ApprovalOrchestrator.Core.Classification.Folding;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>Splits plain-folded text into words: runs of letters (L*) or numbers (N*); everything else separates.</summary>
internal static class WordTokenizer
{
    public static IReadOnlyList<string> Tokenize(string normalized) => Split(normalized).Select(w => w.Word).ToList();

    /// <summary>The words with the separator text that follows each one (empty after the last).</summary>
    public static List<(string Word, string GapAfter)> Split(string normalized)
    {
        var words = new List<(string Word, int Start, int End)>();
        var start = -1;
        var i = 0;
        while (i <= normalized.Length)
        {
            var isWordChar = false;
            var width = 1;
            if (i < normalized.Length && System.Text.Rune.DecodeFromUtf16(normalized.AsSpan(i), out var rune, out width) == System.Buffers.OperationStatus.Done)
            {
                isWordChar = IsWordRune(rune);
            }

            if (isWordChar && start < 0)
            {
                start = i;
            }
            else if (!isWordChar && start >= 0)
            {
                words.Add((normalized[start..i], start, i));
                start = -1;
            }

            i += Math.Max(width, 1);
        }

        return words.Select((w, k) => (w.Word, k + 1 < words.Count ? normalized[w.End..words[k + 1].Start] : string.Empty)).ToList();
    }

    // ASCII is decided here; other characters by ICU's general category (letters 1..5, numbers 9..11).
    private static bool IsWordRune(System.Text.Rune rune) => rune.IsAscii
        ? char.IsAsciiLetterOrDigit((char)rune.Value)
        : IcuLibrary.Category(rune.Value) is >= 1 and <= 5 or >= 9 and <= 11;
}
