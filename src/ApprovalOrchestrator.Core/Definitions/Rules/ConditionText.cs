using System.Globalization;

namespace ApprovalOrchestrator.Core.Definitions.Rules;

/// <summary>
/// The canonical, readable text of a condition, e.g. <c>all(tool in [payments], args.amount &gt; 10000)</c>.
/// Used in explanations and to compare conditions (records holding lists compare by reference).
/// </summary>
public static class ConditionText
{
    public static string Format(RuleCondition condition) => condition switch
    {
        TermsCondition t => $"terms [{string.Join(", ", t.Terms)}]",
        RegexCondition r => $"regex /{r.Pattern}/",
        FieldCondition f => $"{FieldName(f.Field)} in [{string.Join(", ", f.Values)}]",
        ArgCondition a => a.Operator == ArgOperator.In
            ? $"args.{a.Path} in [{string.Join(", ", a.Values.Select(v => v.Text))}]"
            : $"args.{a.Path} {OperatorSymbol(a.Operator)} {a.Value.Text}",
        AllCondition all => $"all({string.Join(", ", all.Conditions.Select(Format))})",
        AnyCondition any => $"any({string.Join(", ", any.Conditions.Select(Format))})",
        NotCondition not => $"not({Format(not.Condition)})",
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "Unknown condition."),
    };

    public static string FieldName(RequestField field) => field switch
    {
        RequestField.Agent => "agent",
        RequestField.Tool => "tool",
        RequestField.Action => "action",
        RequestField.RequesterGroup => "requesterGroup",
        _ => field.ToString(),
    };

    public static string OperatorSymbol(ArgOperator op) => op switch
    {
        ArgOperator.Gt => ">",
        ArgOperator.Gte => ">=",
        ArgOperator.Lt => "<",
        ArgOperator.Lte => "<=",
        ArgOperator.Eq => "==",
        ArgOperator.Ne => "!=",
        ArgOperator.In => "in",
        ArgOperator.Contains => "contains",
        ArgOperator.Matches => "matches",
        _ => op.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
