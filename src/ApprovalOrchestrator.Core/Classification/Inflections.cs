namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// The English verb and noun inflections of a lower-case word, used so a term matches
/// "deleted"/"deleting"/"deletes" but not a longer, different word such as "tokenize".
/// Deliberately rule-based and small: over-generating a nonsense form ("tokenning") is harmless,
/// because only real words in the request are ever looked up.
/// </summary>
internal static class Inflections
{
    // Irregular past forms and spellings the suffix rules cannot produce.
    private static readonly Dictionary<string, string[]> Irregular = new(StringComparer.Ordinal)
    {
        ["send"] = ["sent"],
        ["run"] = ["ran"],
        ["pay"] = ["paid"],
        ["write"] = ["wrote", "written"],
        ["shut"] = ["shut"],
        ["make"] = ["made"],
        ["take"] = ["took", "taken"],
        ["give"] = ["gave", "given"],
        ["do"] = ["did", "done", "does"],
        ["go"] = ["went", "gone", "goes"],
        ["get"] = ["got", "gotten"],
        ["sell"] = ["sold"],
        ["buy"] = ["bought"],
        ["tell"] = ["told"],
        ["spend"] = ["spent"],
        ["lend"] = ["lent"],
        ["build"] = ["built"],
        ["leave"] = ["left"],
        ["lose"] = ["lost"],
        ["draw"] = ["drew", "drawn"],
        ["withdraw"] = ["withdrew", "withdrawn"],
    };

    /// <summary>All accepted forms of <paramref name="word"/> (which must already be normalised), itself included.</summary>
    public static IReadOnlySet<string> FormsOf(string word)
    {
        var forms = new HashSet<string>(StringComparer.Ordinal) { word };
        if (word.Length == 0 || !word.All(char.IsLetter))
        {
            // Digits and mixed tokens ("q1", "s3") have no inflections.
            return forms;
        }

        var last = word[^1];
        var endsConsonantY = word.Length >= 2 && last == 'y' && !IsVowel(word[^2]);

        if (endsConsonantY)
        {
            // copy -> copies, copied, copying
            var stem = word[..^1];
            forms.Add(stem + "ies");
            forms.Add(stem + "ied");
            forms.Add(word + "ing");
        }
        else if (last == 'e')
        {
            // delete -> deletes, deleted, deleting; "ee" keeps its e: agree -> agreeing
            forms.Add(word + "s");
            forms.Add(word + "d");
            forms.Add(word[..^1] + "ing");
            if (word.Length >= 2 && word[^2] is 'e' or 'o' or 'y')
            {
                forms.Add(word + "ing");
            }
        }
        else
        {
            forms.Add(IsSibilant(word) ? word + "es" : word + "s");
            forms.Add(word + "ed");
            forms.Add(word + "ing");
            if (EndsConsonantVowelConsonant(word))
            {
                // transfer -> transferring, ship -> shipped, run -> running
                forms.Add(word + last + "ing");
                forms.Add(word + last + "ed");
            }
        }

        if (Irregular.TryGetValue(word, out var extra))
        {
            forms.UnionWith(extra);
        }

        return forms;
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';

    private static bool IsSibilant(string w) =>
        w.EndsWith('s') || w.EndsWith('x') || w.EndsWith('z') || w.EndsWith("ch", StringComparison.Ordinal) || w.EndsWith("sh", StringComparison.Ordinal);

    private static bool EndsConsonantVowelConsonant(string w) =>
        w.Length >= 3
        && !IsVowel(w[^1]) && w[^1] is not ('w' or 'x' or 'y')
        && IsVowel(w[^2])
        && !IsVowel(w[^3]);
}
