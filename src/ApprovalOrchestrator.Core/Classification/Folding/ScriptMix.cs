namespace ApprovalOrchestrator.Core.Classification.Folding;

/// <summary>
/// Whether one word mixes scripts, as UTS #39 defines it: the intersection of its characters' Script_Extensions, ignoring
/// Common and Inherited, is empty. Han, Hiragana, Katakana, Hangul and Bopomofo are augmented as UTS #39 says (Japanese,
/// Korean and Han-with-Bopomofo writing mixes them in one word legitimately), and Latin together with one of those
/// East Asian sets is allowed as UTS #39's "highly restrictive" level allows it ("iPhoneを買う" has no spaces to split on).
/// </summary>
internal static class ScriptMix
{
    private const int Common = 0;
    private const int Inherited = 1;
    private const int Latin = 25;
    private const int Bopomofo = 5;
    private const int Han = 17;
    private const int Hangul = 18;
    private const int Hiragana = 20;
    private const int Katakana = 22;
    private const int Japanese = 105;
    private const int Korean = 119;
    private const int HanWithBopomofo = 172;

    /// <summary>The names of the scripts mixed in <paramref name="word"/> (plain-folded), or null when it is single-script.</summary>
    public static IReadOnlyList<string>? MixedScripts(string word)
    {
        if (TextNormalizer.IsAscii(word))
        {
            return null; // ASCII letters are all Latin; digits and punctuation are Common.
        }

        HashSet<int>? resolved = null;
        var seen = new List<int>();
        foreach (var rune in word.EnumerateRunes())
        {
            var scripts = rune.IsAscii
                ? (char.IsAsciiLetter((char)rune.Value) ? [Latin] : [Common])
                : IcuLibrary.ScriptExtensions(rune.Value);
            if (scripts.All(s => s is Common or Inherited))
            {
                continue;
            }

            if (!seen.Contains(scripts[0]))
            {
                seen.Add(scripts[0]);
            }

            var augmented = Augment(scripts);
            if (resolved is null)
            {
                resolved = augmented;
            }
            else
            {
                resolved.IntersectWith(augmented);
            }
        }

        return resolved is { Count: 0 } && !IsLatinWithEastAsian(seen) ? seen.Select(IcuLibrary.ScriptName).Order(StringComparer.Ordinal).ToArray() : null;
    }

    // Latin + Han + Hiragana + Katakana, Latin + Han + Bopomofo, Latin + Han + Hangul (UTS #39, highly restrictive).
    private static bool IsLatinWithEastAsian(IReadOnlyCollection<int> scripts) =>
        scripts.Contains(Latin)
        && (scripts.All(s => s is Latin or Han or Hiragana or Katakana)
            || scripts.All(s => s is Latin or Han or Bopomofo)
            || scripts.All(s => s is Latin or Han or Hangul));

    private static HashSet<int> Augment(IEnumerable<int> scripts)
    {
        var set = new HashSet<int>(scripts);
        if (set.Contains(Han))
        {
            set.UnionWith([HanWithBopomofo, Japanese, Korean]);
        }

        if (set.Contains(Hiragana) || set.Contains(Katakana))
        {
            set.Add(Japanese);
        }

        if (set.Contains(Hangul))
        {
            set.Add(Korean);
        }

        if (set.Contains(Bopomofo))
        {
            set.Add(HanWithBopomofo);
        }

        return set;
    }
}
