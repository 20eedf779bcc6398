using System.Text.Json;
using System.Text.RegularExpressions;
using ApprovalOrchestrator.Core.Definitions.Rules;
using static ApprovalOrchestrator.Core.Classification.TruthLogic;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>A comparison on the tool argument(s) at one path; holds when it holds for any value found there.</summary>
internal sealed class ArgNode : CompiledCondition
{
    private readonly ArgCondition _condition;
    private readonly ArgPath _path;
    private readonly Regex? _regex;
    private readonly FoldedText[] _texts;

    public ArgNode(ArgCondition condition, TimeSpan matchTimeout)
    {
        _condition = condition;
        _path = ArgPath.TryParse(condition.Path) ?? throw new ArgumentException($"Invalid arg path '{condition.Path}'.", nameof(condition));
        _regex = condition.Operator == ArgOperator.Matches ? RuleRegex.Compile(condition.Value.Text, matchTimeout) : null;
        _texts = condition.Values.Select(v => FoldedText.Of(v.Text)).ToArray();
    }

    public override Truth Evaluate(RequestFacts facts, MatchEvidence evidence)
    {
        if (facts.Input.ToolArgs is not { } args)
        {
            return Truth.False;
        }

        var result = Truth.False;
        foreach (var (value, lookAlike) in _path.Resolve(args))
        {
            // A name that only looks like the path's: the comparison counts at most as indeterminate.
            var holds = TruthLogic.And(Holds(value, evidence), lookAlike ? Truth.Unknown : Truth.True);
            if (holds != Truth.False)
            {
                var shown = $"args.{_condition.Path} = {Show(value)} ({ConditionText.Format(_condition)})";
                if (holds == Truth.True)
                {
                    evidence.Details.Add(shown);
                    return Truth.True;
                }

                evidence.Warnings.Add($"{shown} is indeterminate: {(lookAlike ? "the argument's name only looks like the path's" : Why(value))}");
                result = Truth.Unknown;
            }
        }

        return result;
    }

    private Truth Holds(JsonElement value, MatchEvidence evidence) => _condition.Operator switch
    {
        ArgOperator.Gt or ArgOperator.Gte or ArgOperator.Lt or ArgOperator.Lte => Magnitude(value),
        ArgOperator.Eq => IsScalar(value) ? AreEqual(value, 0) : Truth.False,
        ArgOperator.Ne => IsScalar(value) ? Not(AreEqual(value, 0)) : Truth.False,
        ArgOperator.In => IsScalar(value) ? Enumerable.Range(0, _condition.Values.Count).Aggregate(Truth.False, (t, i) => Or(t, AreEqual(value, i))) : Truth.False,
        ArgOperator.Contains => value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(IsScalar).Aggregate(Truth.False, (t, item) => Or(t, AreEqual(item, 0)))
            : Text(value) is { } text ? FoldedText.Of(text).Contains(_texts[0]) : Truth.False,
        ArgOperator.Matches => Text(value) is { } s
            ? RegexMatch.OnFoldedForms(_regex!, TextNormalizer.Normalize(s), () => TextNormalizer.Deconfuse(s), $"args.{_condition.Path} matches /{_condition.Value.Text}/", evidence)
            : Truth.False,
        _ => Truth.False,
    };

    // A magnitude comparison reads the value as a number (ArgNumber); what is not one, or reads two ways that disagree,
    // is indeterminate: "20,000 USD" must never count as "not greater than 10000". A list compares each of its items.
    private Truth Magnitude(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            return value.EnumerateArray().Aggregate(Truth.False, (t, item) => Or(t, Magnitude(item)));
        }

        return ArgNumber.Read(value) is { } readings ? Compare(readings, _condition.Operator, _condition.Value.Number!.Value) : Truth.Unknown;
    }

    private static Truth Compare(double[] readings, ArgOperator op, double operand)
    {
        var holds = readings.Select(n => op switch
        {
            ArgOperator.Gt => n > operand,
            ArgOperator.Gte => n >= operand,
            ArgOperator.Lt => n < operand,
            ArgOperator.Lte => n <= operand,
            _ => n == operand,
        }).Distinct().ToArray();
        return holds.Length == 1 ? Of(holds[0]) : Truth.Unknown;
    }

    private static bool IsScalar(JsonElement e) => e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    // Numbers compare as numbers (so 10000 == 1e4 == "10,000"); a value with digits the grammar cannot read is indeterminate
    // against a number; everything else compares as folded text.
    private Truth AreEqual(JsonElement value, int operandIndex)
    {
        var operand = _condition.Values[operandIndex];
        if (operand.Number is { } expected)
        {
            if (ArgNumber.Read(value) is { } readings)
            {
                return Compare(readings, ArgOperator.Eq, expected);
            }

            if (value.ValueKind == JsonValueKind.String && ArgNumber.HasDigit(value.GetString()!))
            {
                return Truth.Unknown;
            }
        }

        return Text(value) is { } text ? FoldedText.Of(text).EqualTo(_texts[operandIndex]) : Truth.False;
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private string Why(JsonElement value) => _condition.Operator switch
    {
        ArgOperator.Gt or ArgOperator.Gte or ArgOperator.Lt or ArgOperator.Lte or ArgOperator.Eq or ArgOperator.Ne or ArgOperator.In
            when ArgNumber.Read(value) is { Length: > 1 } => "the value reads as more than one number",
        ArgOperator.Gt or ArgOperator.Gte or ArgOperator.Lt or ArgOperator.Lte => "the value is not a number this grammar reads",
        ArgOperator.Matches => "see the regex warning",
        _ => "the value equals the operand only as look-alike characters, or is a number this grammar cannot read",
    };

    private static string Show(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return text.Length <= 40 ? text : text[..40] + "…";
    }
}
