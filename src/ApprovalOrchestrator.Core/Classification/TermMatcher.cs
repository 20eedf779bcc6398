namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Matches one definition term (one or more words) against a field's words, built once per term.
/// </summary>
/// <remarks>
/// <para>Words are compared in their confusable fold (<see cref="TextNormalizer.Skeleton"/>), the term's as well as the
/// text's. Each text word must equal the corresponding term word or one of its inflections (<see cref="Inflections"/>,
/// formed on the plain word, then folded): "deleting" matches <c>delete</c>, "tokenize" does not match <c>token</c>,
/// and compounds are not split ("changelog" does not match <c>change</c>).</para>
/// <para>Split words: a term word also matches consecutive text words that spell it when joined, where each joint is
/// punctuation without a space ("de-lete", "d.e.l.e.t.e", "pay_roll") or lies inside a run of at least
/// <see cref="FieldWords.MinLetterRun"/> one-character words ("d e l e t e"). See <see cref="FieldWords.IsLinked"/>.</para>
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
    // Every proper prefix of every form: joining split words stops as soon as the join can no longer become a form.
    private readonly IReadOnlySet<string>[] _formPrefixes;

    public TermMatcher(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        Term = term;
        var words = WordTokenizer.Tokenize(TextNormalizer.Normalize(term));
        if (words.Count == 0)
        {
            throw new ArgumentException($"Term '{term}' contains no words.", nameof(term));
        }

        _wordForms = words
            .Select(w => (IReadOnlySet<string>)Inflections.FormsOf(w).Select(f => FieldWords.FoldWord(f)).Where(f => f.Length > 0).ToHashSet(StringComparer.Ordinal))
            .ToArray();
        _formPrefixes = _wordForms
            .Select(forms => (IReadOnlySet<string>)forms.SelectMany(f => Enumerable.Range(1, f.Length - 1).Select(n => f[..n])).ToHashSet(StringComparer.Ordinal))
            .ToArray();
    }

    /// <summary>The term as written in the definition.</summary>
    public string Term { get; }

    /// <summary>True when the term occurs in <paramref name="words"/> (one field's words).</summary>
    public bool IsMatch(FieldWords words)
    {
        for (var start = 0; start < words.Count; start++)
        {
            if (MatchesAt(words, start, 0))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Convenience for a single string: folds and splits it first.</summary>
    public bool IsMatch(string text) => IsMatch(FieldWords.Of(text));

    // Term word `termIndex` starting exactly at `position`, then the rest of the term.
    private bool MatchesAt(FieldWords words, int position, int termIndex)
    {
        var first = words.Folded[position];
        if (!_wordForms[termIndex].Contains(first) && !_formPrefixes[termIndex].Contains(first))
        {
            return false; // the common case, decided without enumerating joins
        }

        foreach (var end in Ends(words, position, termIndex))
        {
            if (termIndex + 1 == _wordForms.Length || MatchesNext(words, end, termIndex + 1))
            {
                return true;
            }
        }

        return false;
    }

    // Term word `termIndex` at `position`, skipping at most MaxFillers filler words first.
    private bool MatchesNext(FieldWords words, int position, int termIndex)
    {
        for (var skipped = 0; skipped <= MaxFillers && position + skipped < words.Count; skipped++)
        {
            if (MatchesAt(words, position + skipped, termIndex))
            {
                return true;
            }

            if (!Fillers.Contains(words.Plain[position + skipped]))
            {
                return false;
            }
        }

        return false;
    }

    // Where term word `termIndex` can end when it starts at `position`: after one word, or after linked words that join to it.
    private IEnumerable<int> Ends(FieldWords words, int position, int termIndex)
    {
        var forms = _wordForms[termIndex];
        var prefixes = _formPrefixes[termIndex];
        var joined = words.Folded[position];
        if (forms.Contains(joined))
        {
            yield return position + 1;
        }

        for (var next = position + 1; next < words.Count && words.IsLinked(next - 1) && prefixes.Contains(joined); next++)
        {
            joined += words.Folded[next];
            if (forms.Contains(joined))
            {
                yield return next + 1;
            }
        }
    }
}
