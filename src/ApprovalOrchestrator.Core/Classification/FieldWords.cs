namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// One field's words, ready for <see cref="TermMatcher"/>: each word in its plain fold and its confusable fold
/// (<see cref="TextNormalizer.Skeleton"/>), and which neighbours may be read as one word because the writer split a word
/// apart (see <see cref="IsLinked"/>).
/// </summary>
public sealed class FieldWords
{
    /// <summary>A run of at least this many one-character words is read as letters of words ("d e l e t e").</summary>
    public const int MinLetterRun = 3;

    private readonly bool[] _linked;

    private FieldWords(IReadOnlyList<string> plain, IReadOnlyList<string> folded, bool[] linked)
    {
        Plain = plain;
        Folded = folded;
        _linked = linked;
    }

    /// <summary>The words in their plain fold (fillers and mixed scripts are judged on these).</summary>
    public IReadOnlyList<string> Plain { get; }

    /// <summary>The same words in their confusable fold (terms are matched on these).</summary>
    public IReadOnlyList<string> Folded { get; }

    public int Count => Plain.Count;

    /// <summary>Folds and splits <paramref name="text"/>; <paramref name="skeletons"/> caches word skeletons across fields.</summary>
    public static FieldWords Of(string text, Dictionary<string, string>? skeletons = null)
    {
        skeletons ??= new Dictionary<string, string>(StringComparer.Ordinal);
        // Split with case kept: the skeleton is case-sensitive. Fillers and scripts are judged on the plain fold.
        var split = WordTokenizer.Split(TextNormalizer.NormalizeKeepingCase(text));
        var plain = split.Select(s => TextNormalizer.IsAscii(s.Word) ? s.Word.ToLowerInvariant() : TextNormalizer.Normalize(s.Word)).ToArray();
        var folded = split.Select(s => FoldWord(s.Word, skeletons)).ToArray();
        var single = split.Select(s => s.Word.Length == 1 || (s.Word.Length == 2 && char.IsSurrogatePair(s.Word[0], s.Word[1]))).ToArray();
        var inRun = new bool[plain.Length];
        for (var i = 0; i < plain.Length;)
        {
            var end = i;
            while (end < plain.Length && single[end])
            {
                end++;
            }

            for (var k = i; k < end && end - i >= MinLetterRun; k++)
            {
                inRun[k] = true;
            }

            i = Math.Max(end, i + 1);
        }

        var linked = new bool[plain.Length];
        for (var i = 0; i + 1 < plain.Length; i++)
        {
            // Punctuation with no space inside a word ("de-lete", "d.e.l.e.t.e", "pay_roll") or a run of single letters.
            linked[i] = !split[i].GapAfter.Contains(' ', StringComparison.Ordinal) || (inRun[i] && inRun[i + 1]);
        }

        return new FieldWords(plain, folded, linked);
    }

    /// <summary>True when word <paramref name="index"/> and the next may be read as one word.</summary>
    public bool IsLinked(int index) => _linked[index];

    /// <summary>A word's confusable fold, keeping only letters and digits (a prototype may be punctuation).</summary>
    internal static string FoldWord(string word, Dictionary<string, string>? cache = null)
    {
        if (cache is not null && cache.TryGetValue(word, out var known))
        {
            return known;
        }

        var folded = string.Concat(WordTokenizer.Tokenize(TextNormalizer.Skeleton(word)));
        if (cache is not null)
        {
            cache[word] = folded;
        }

        return folded;
    }
}
