using System.Text.Json;
using System.Text.RegularExpressions;
using ApprovalOrchestrator.Core.Definitions.Rules;
using static ApprovalOrchestrator.Core.Classification.TruthLogic;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>A <see cref="RuleCondition"/> ready to evaluate: matchers, regexes and paths built once per definition.</summary>
internal abstract class CompiledCondition
{
    /// <summary>
    /// Whether the condition holds (<see cref="Truth"/>); what made it hold is added to <paramref name="evidence"/>, and
    /// why it could not be decided to its warnings.
    /// </summary>
    public abstract Truth Evaluate(RequestFacts facts, MatchEvidence evidence);
}

internal sealed class TermsNode(IReadOnlyList<string> terms) : CompiledCondition
{
    private readonly TermMatcher[] _matchers = terms.Select(t => new TermMatcher(t)).ToArray();

    // Every matching term is recorded (not just the first), as the audit trail lists them all.
    public override Truth Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var found = false;
        foreach (var matcher in _matchers.Where(m => facts.Words.Any(m.IsMatch)))
        {
            evidence.Terms.Add(matcher.Term);
            found = true;
        }

        return Of(found);
    }
}

internal sealed class RegexNode(string pattern, TimeSpan matchTimeout) : CompiledCondition
{
    private readonly Regex _regex = RuleRegex.Compile(pattern, matchTimeout);

    public override Truth Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var result = Truth.False;
        for (var i = 0; i < facts.Fields.Count && result != Truth.True; i++)
        {
            var (label, text) = facts.Fields[i];
            result = Or(result, RegexMatch.OnFoldedForms(_regex, text, () => facts.Deconfused(i), $"regex /{pattern}/ on the {label}", evidence));
            if (result == Truth.True)
            {
                // The matched text is not recorded: it may be personal data, and the request text is on record anyway.
                evidence.Details.Add($"regex /{pattern}/ matched the {label}");
            }
        }

        return result;
    }
}

internal static class RegexMatch
{
    /// <summary>
    /// The regex on the plain fold of a value, and on its look-alike-free form (<see cref="TextNormalizer.Deconfuse"/>):
    /// true when the plain fold matches; indeterminate when only the look-alike-free form does (a Cyrillic "а" standing in
    /// for "a"), or when a match timed out; else false.
    /// </summary>
    public static Truth OnFoldedForms(Regex regex, string plain, Func<string> deconfused, string what, MatchEvidence evidence)
    {
        var direct = IsMatch(regex, plain, what, evidence);
        if (direct != Truth.False)
        {
            return direct;
        }

        var other = deconfused();
        if (ReferenceEquals(other, plain) || other == plain)
        {
            return Truth.False;
        }

        var viaLookAlikes = IsMatch(regex, other, what, evidence);
        if (viaLookAlikes == Truth.True)
        {
            evidence.Warnings.Add($"{what} matches only once look-alike characters are read as the letters they imitate; indeterminate");
            return Truth.Unknown;
        }

        return viaLookAlikes;
    }

    /// <summary>Fail closed: a match that times out is indeterminate (never "no match") and leaves a warning.</summary>
    public static Truth IsMatch(Regex regex, string input, string what, MatchEvidence evidence)
    {
        try
        {
            return Of(regex.IsMatch(input));
        }
        catch (RegexMatchTimeoutException)
        {
            evidence.Warnings.Add($"{what} timed out after {regex.MatchTimeout.TotalMilliseconds:0} ms; indeterminate");
            return Truth.Unknown;
        }
    }
}

/// <summary>Equality of folded text: equal plain folds hold; equal only as look-alikes (same skeleton) is indeterminate.</summary>
internal readonly record struct FoldedText(string Plain, string Skeleton)
{
    public static FoldedText Of(string text) => new(TextNormalizer.Normalize(text), TextNormalizer.Skeleton(text));

    public Truth EqualTo(FoldedText other) =>
        Plain == other.Plain ? Truth.True : Skeleton == other.Skeleton ? Truth.Unknown : Truth.False;

    public Truth Contains(FoldedText part) =>
        Plain.Contains(part.Plain, StringComparison.Ordinal) ? Truth.True
        : Skeleton.Contains(part.Skeleton, StringComparison.Ordinal) ? Truth.Unknown : Truth.False;
}

internal sealed class FieldNode(RequestField field, IReadOnlyList<string> values) : CompiledCondition
{
    private readonly FoldedText[] _values = values.Select(FoldedText.Of).ToArray();

    public override Truth Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var result = Truth.False;
        foreach (var actual in Actual(facts.Input))
        {
            var folded = FoldedText.Of(actual);
            var holds = _values.Aggregate(Truth.False, (t, v) => Or(t, folded.EqualTo(v)));
            if (holds == Truth.True)
            {
                evidence.Details.Add($"{ConditionText.FieldName(field)} {actual}");
                return Truth.True;
            }

            if (holds == Truth.Unknown)
            {
                evidence.Warnings.Add($"{ConditionText.FieldName(field)} '{actual}' equals a value of the condition only as look-alike characters; indeterminate");
                result = Truth.Unknown;
            }
        }

        return result;
    }

    private IEnumerable<string> Actual(PolicyInput input) => field switch
    {
        RequestField.Agent => [input.AgentId],
        RequestField.Tool => input.ToolName is { } t ? [t] : [],
        RequestField.Action => input.ToolAction is { } a ? [a] : [],
        RequestField.RequesterGroup => input.RequesterGroups ?? [],
        _ => [],
    };
}

internal sealed class AllNode(IReadOnlyList<CompiledCondition> children) : CompiledCondition
{
    public override Truth Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var mark = evidence.Mark();
        var result = Truth.True;
        foreach (var child in children)
        {
            result = And(result, child.Evaluate(facts, evidence));
            if (result == Truth.False)
            {
                evidence.Reset(mark);
                return Truth.False;
            }
        }

        return result;
    }
}

internal sealed class AnyNode(IReadOnlyList<CompiledCondition> children) : CompiledCondition
{
    // No short-circuit: every branch that holds is recorded, as every matching term is.
    public override Truth Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var result = Truth.False;
        foreach (var child in children)
        {
            var mark = evidence.Mark();
            var value = child.Evaluate(facts, evidence);
            if (value == Truth.False)
            {
                evidence.Reset(mark);
            }

            result = Or(result, value);
        }

        return result;
    }
}

internal sealed class NotNode(CompiledCondition child, string text) : CompiledCondition
{
    public override Truth Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var mark = evidence.Mark();
        var result = Not(child.Evaluate(facts, evidence));
        evidence.Reset(mark);
        if (result == Truth.True)
        {
            evidence.Details.Add(text);
        }
        else if (result == Truth.Unknown)
        {
            evidence.Details.Add($"{text} (indeterminate)");
        }

        return result;
    }
}
