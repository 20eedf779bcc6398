namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Matches one definition term (one or more words) against tokenised request text, built once per term.
/// </summary>
/// <remarks>
/// <para>Each text word must equal the corresponding term word or one of its inflections
/// (<see cref="Inflections"/>): "deleting" matches <c>delete</c>, "tokenize" does not match <c>token</c>,
/// and compounds are not split ("changelog" does not match <c>change</c>).</para>
/// <para>Filler rule for multi-word terms: between two consecutive term words, up to
/// <see cref="MaxFillers"/> filler words (articles, demonstratives, possessives and a few
/// quantifiers/pronouns, see <see cref="Fillers"/>) may appear, so <c>run shell</c> matches
/// "run a shell" and <c>execute command</c> matches "execute this command", while
/// "run the test and open a shell" does not match. Fillers are never skipped before the first
/// or after the last term word.</para>
/// </remarks>
public sealed class TermMatcher
{
    /// <summary>How many filler words may sit between two consecutive term words.</summary>
    public const int MaxFillers = 2;

    /// <summary>Words that carry no action meaning and may be skipped between term words.</summary>
    public static readonly IReadOnlySet<string> Fillers = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "an", "the", "this", "that", "these", "those",
        "my", "our", "your", "their", "his", "her", "its",
        "it", "them", "some", "all", "any",
    };

    private readonly IReadOnlySet<string>[] _wordForms;

    public TermMatcher(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        Term = term;
        var words = WordTokenizer.Tokenize(TextNormalizer.Normalize(term));
        if (words.Count == 0)
        {
            throw new ArgumentException($"Term '{term}' contains no words.", nameof(term));
        }

        _wordForms = words.Select(Inflections.FormsOf).ToArray();
    }

    /// <summary>The term as written in the definition.</summary>
    public string Term { get; }

    /// <summary>True when the term occurs in <paramref name="words"/> (one field's tokens).</summary>
    public bool IsMatch(IReadOnlyList<string> words)
    {
        for (var start = 0; start < words.Count; start++)
        {
            if (_wordForms[0].Contains(words[start]) && MatchesFrom(words, start + 1, 1))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Convenience for a single string: normalises and tokenises it first.</summary>
    public bool IsMatch(string text) => IsMatch(WordTokenizer.Tokenize(TextNormalizer.Normalize(text)));

    // Matches term word `termIndex` at `position`, skipping at most MaxFillers filler words first.
    private bool MatchesFrom(IReadOnlyList<string> words, int position, int termIndex)
    {
        if (termIndex == _wordForms.Length)
        {
            return true;
        }

        for (var skipped = 0; skipped <= MaxFillers && position + skipped < words.Count; skipped++)
        {
            var candidate = words[position + skipped];
            if (_wordForms[termIndex].Contains(candidate) && MatchesFrom(words, position + skipped + 1, termIndex + 1))
            {
                return true;
            }

            if (!Fillers.Contains(candidate))
            {
                return false;
            }
        }

        return false;
    }
}
