using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApprovalOrchestrator.Core.Definitions.Rules;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>A <see cref="RuleCondition"/> ready to evaluate: matchers, regexes and paths built once per definition.</summary>
internal abstract class CompiledCondition
{
    /// <summary>True when the condition holds; what made it hold is added to <paramref name="evidence"/>.</summary>
    public abstract bool Evaluate(RequestFacts facts, MatchEvidence evidence);
}

internal sealed class TermsNode(IReadOnlyList<string> terms) : CompiledCondition
{
    private readonly TermMatcher[] _matchers = terms.Select(t => new TermMatcher(t)).ToArray();

    // Every matching term is recorded (not just the first), as the audit trail lists them all.
    public override bool Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var found = false;
        foreach (var matcher in _matchers.Where(m => facts.Tokens.Any(m.IsMatch)))
        {
            evidence.Terms.Add(matcher.Term);
            found = true;
        }

        return found;
    }
}

internal sealed class RegexNode(string pattern, TimeSpan matchTimeout) : CompiledCondition
{
    private readonly Regex _regex = RuleRegex.Compile(pattern, matchTimeout);

    public override bool Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        foreach (var (label, text) in facts.Fields)
        {
            if (RegexMatch.IsMatch(_regex, text, $"regex /{pattern}/ on {label}", evidence))
            {
                // The matched text is not recorded: it may be personal data, and the request text is on record anyway.
                evidence.Details.Add($"regex /{pattern}/ matched the {label}");
                return true;
            }
        }

        return false;
    }
}

internal static class RegexMatch
{
    /// <summary>Fail closed: a match that times out counts as a match and leaves a warning, so slowness cannot dodge a rule.</summary>
    public static bool IsMatch(Regex regex, string input, string what, MatchEvidence evidence)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            evidence.Warnings.Add($"{what} timed out after {regex.MatchTimeout.TotalMilliseconds:0} ms; counted as a match");
            return true;
        }
    }
}

internal sealed class FieldNode(RequestField field, IReadOnlyList<string> values) : CompiledCondition
{
    private readonly HashSet<string> _values = values.Select(TextNormalizer.Normalize).ToHashSet(StringComparer.Ordinal);

    public override bool Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        foreach (var actual in Actual(facts.Input))
        {
            if (_values.Contains(TextNormalizer.Normalize(actual)))
            {
                evidence.Details.Add($"{ConditionText.FieldName(field)} {actual}");
                return true;
            }
        }

        return false;
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

internal sealed class ArgNode : CompiledCondition
{
    private readonly ArgCondition _condition;
    private readonly ArgPath _path;
    private readonly Regex? _regex;

    public ArgNode(ArgCondition condition, TimeSpan matchTimeout)
    {
        _condition = condition;
        _path = ArgPath.TryParse(condition.Path) ?? throw new ArgumentException($"Invalid arg path '{condition.Path}'.", nameof(condition));
        _regex = condition.Operator == ArgOperator.Matches ? RuleRegex.Compile(condition.Value.Text, matchTimeout) : null;
    }

    public override bool Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        if (facts.Input.ToolArgs is not { } args)
        {
            return false;
        }

        foreach (var value in _path.Resolve(args))
        {
            if (Holds(value, evidence))
            {
                evidence.Details.Add($"args.{_condition.Path} = {Show(value)} ({ConditionText.Format(_condition)})");
                return true;
            }
        }

        return false;
    }

    private bool Holds(JsonElement value, MatchEvidence evidence) => _condition.Operator switch
    {
        ArgOperator.Gt => Number(value) is { } n && n > _condition.Value.Number,
        ArgOperator.Gte => Number(value) is { } n && n >= _condition.Value.Number,
        ArgOperator.Lt => Number(value) is { } n && n < _condition.Value.Number,
        ArgOperator.Lte => Number(value) is { } n && n <= _condition.Value.Number,
        ArgOperator.Eq => IsScalar(value) && AreEqual(value, _condition.Value),
        ArgOperator.Ne => IsScalar(value) && !AreEqual(value, _condition.Value),
        ArgOperator.In => IsScalar(value) && _condition.Values.Any(v => AreEqual(value, v)),
        ArgOperator.Contains => value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Any(item => IsScalar(item) && AreEqual(item, _condition.Value))
            : Text(value) is { } text && text.Contains(TextNormalizer.Normalize(_condition.Value.Text), StringComparison.Ordinal),
        ArgOperator.Matches => Text(value) is { } s && RegexMatch.IsMatch(_regex!, s, $"args.{_condition.Path} matches /{_condition.Value.Text}/", evidence),
        _ => false,
    };

    private static bool IsScalar(JsonElement e) => e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    // Numbers compare as numbers (so 10000 == 1e4), everything else as normalised text.
    private static bool AreEqual(JsonElement value, ArgValue operand) =>
        operand.Number is { } expected && Number(value) is { } actual
            ? actual == expected
            : Text(value) == TextNormalizer.Normalize(operand.Text);

    /// <summary>A JSON number, or a string holding one: an agent must not dodge <c>amount &gt; 10000</c> by quoting the amount.</summary>
    private static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDouble(out var d) => d,
        JsonValueKind.String when double.TryParse(value.GetString()!.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
        _ => null,
    };

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => TextNormalizer.Normalize(value.GetString()!),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static string Show(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return text.Length <= 40 ? text : text[..40] + "…";
    }
}

internal sealed class AllNode(IReadOnlyList<CompiledCondition> children) : CompiledCondition
{
    public override bool Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var mark = evidence.Mark();
        foreach (var child in children)
        {
            if (!child.Evaluate(facts, evidence))
            {
                evidence.Reset(mark);
                return false;
            }
        }

        return true;
    }
}

internal sealed class AnyNode(IReadOnlyList<CompiledCondition> children) : CompiledCondition
{
    // No short-circuit: every branch that holds is recorded, as every matching term is.
    public override bool Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var any = false;
        foreach (var child in children)
        {
            any |= child.Evaluate(facts, evidence);
        }

        return any;
    }
}

internal sealed class NotNode(CompiledCondition child, string text) : CompiledCondition
{
    public override bool Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        var mark = evidence.Mark();
        var inner = child.Evaluate(facts, evidence);
        evidence.Reset(mark);
        if (inner)
        {
            return false;
        }

        evidence.Details.Add(text);
        return true;
    }
}
