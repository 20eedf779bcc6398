using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Definitions.Rules;

/// <summary>
/// How rule regular expressions are compiled and vetted. The non-backtracking engine runs in linear time, so a
/// hostile request cannot make it slow; only patterns that need backtracking (backreferences, lookarounds, atomic
/// groups) use the backtracking engine, always with <see cref="MatchTimeout"/>.
/// </summary>
public static class RuleRegex
{
    /// <summary>The longest one match may run. A timeout counts as a match (fail closed): slowness must not dodge a rule.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    // Requests are matched in their normalised (lower-case) form; IgnoreCase lets authors write patterns either way.
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    /// <summary>Compiles <paramref name="pattern"/>; throws <see cref="ArgumentException"/> when it is not a valid .NET regex.</summary>
    public static Regex Compile(string pattern) => Compile(pattern, MatchTimeout);

    /// <summary>As <see cref="Compile(string)"/> with another timeout (tests).</summary>
    public static Regex Compile(string pattern, TimeSpan matchTimeout)
    {
        try
        {
            return new Regex(pattern, Options | RegexOptions.NonBacktracking, matchTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, Options, matchTimeout);
        }
    }

    /// <summary>
    /// Why <paramref name="pattern"/> cannot be used, or null. Invalid patterns are rejected; so are patterns that need the
    /// backtracking engine AND nest quantifiers (<c>(a+)+</c>), the classic shape of exponential backtracking.
    /// Polynomial blow-ups the structural check misses are what the match timeout is for.
    /// </summary>
    public static string? Problem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, Options);
        }
        catch (ArgumentException ex)
        {
            return $"invalid regular expression: {ex.Message}";
        }

        if (NeedsBacktracking(pattern) && HasNestedQuantifier(pattern))
        {
            return "catastrophic regular expression: it needs backtracking (backreference, lookaround or atomic group) "
                + "and nests quantifiers such as (a+)+, which can take exponential time; remove the nesting";
        }

        return null;
    }

    public static bool NeedsBacktracking(string pattern)
    {
        try
        {
            _ = new Regex(pattern, Options | RegexOptions.NonBacktracking);
            return false;
        }
        catch (NotSupportedException)
        {
            return true;
        }
    }

    /// <summary>
    /// True when a group that contains a quantifier is itself quantified: <c>(a+)+</c>, <c>(\w*x)*</c>, <c>(?:a{2,})+</c>.
    /// A structural scan (escapes and character classes skipped), deliberately conservative: it may flag a harmless pattern,
    /// never the reverse for this shape.
    /// </summary>
    public static bool HasNestedQuantifier(string pattern)
    {
        // For each open group: whether a quantifier occurred inside it.
        var groups = new Stack<bool>();
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    i += 2;
                    continue;
                case '[':
                    i = SkipClass(pattern, i);
                    continue;
                case '(':
                    groups.Push(false);
                    break;
                case ')':
                    var inner = groups.Count > 0 && groups.Pop();
                    var quantifiedGroup = IsQuantifier(pattern, i + 1);
                    if (inner && quantifiedGroup)
                    {
                        return true;
                    }

                    if ((inner || quantifiedGroup) && groups.Count > 0)
                    {
                        // The enclosing group now contains a quantifier too.
                        groups.Push(groups.Pop() | true);
                    }

                    break;
                default:
                    if (IsQuantifier(pattern, i) && groups.Count > 0)
                    {
                        groups.Pop();
                        groups.Push(true);
                    }

                    break;
            }

            i++;
        }

        return false;
    }

    // '?' alone bounds repetition to one, so it is not an unbounded quantifier; neither is '(?' opening a group.
    private static bool IsQuantifier(string pattern, int i) =>
        i < pattern.Length && (pattern[i] is '+' or '*' || (pattern[i] == '{' && IsUnboundedOrLargeBrace(pattern, i)));

    private static bool IsUnboundedOrLargeBrace(string pattern, int i)
    {
        var close = pattern.IndexOf('}', i);
        if (close < 0)
        {
            return false;
        }

        var body = pattern[(i + 1)..close];
        var parts = body.Split(',');
        if (parts.Length == 1)
        {
            return int.TryParse(parts[0], out var n) && n > 1;
        }

        return parts.Length == 2 && int.TryParse(parts[0], out _) && (parts[1].Length == 0 || (int.TryParse(parts[1], out var max) && max > 1));
    }

    private static int SkipClass(string pattern, int i)
    {
        i++;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }

        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }

        while (i < pattern.Length && pattern[i] != ']')
        {
            i += pattern[i] == '\\' ? 2 : 1;
        }

        return i + 1;
    }
}
