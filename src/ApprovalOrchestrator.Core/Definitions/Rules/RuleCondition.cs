namespace ApprovalOrchestrator.Core.Definitions.Rules;

/// <summary>
/// The <c>when</c> of a rule: a tree of declarative conditions, never code. Compiled once per definition by
/// <see cref="ApprovalOrchestrator.Core.Classification.ConditionCompiler"/>; <see cref="ConditionText"/> gives the canonical text.
/// </summary>
public abstract record RuleCondition;

/// <summary>Any of the terms occurs as whole words (or inflections) in the text, tool name, action or any arg value.</summary>
public sealed record TermsCondition(IReadOnlyList<string> Terms) : RuleCondition;

/// <summary>The .NET regular expression matches the normalised text, tool name, action or any string arg value.</summary>
public sealed record RegexCondition(string Pattern) : RuleCondition;

/// <summary>The request field (agent, tool, action, requester group) equals one of the values, case-insensitively.</summary>
public sealed record FieldCondition(RequestField Field, IReadOnlyList<string> Values) : RuleCondition;

/// <summary>A comparison on one tool argument, addressed by a dotted path (<c>payment.amount</c>, <c>items[0].sku</c>).</summary>
public sealed record ArgCondition(string Path, ArgOperator Operator, IReadOnlyList<ArgValue> Values) : RuleCondition
{
    /// <summary>The single operand of every operator except <see cref="ArgOperator.In"/>.</summary>
    public ArgValue Value => Values[0];
}

/// <summary>Every condition holds (an empty list always holds).</summary>
public sealed record AllCondition(IReadOnlyList<RuleCondition> Conditions) : RuleCondition;

/// <summary>At least one condition holds (an empty list never holds).</summary>
public sealed record AnyCondition(IReadOnlyList<RuleCondition> Conditions) : RuleCondition;

public sealed record NotCondition(RuleCondition Condition) : RuleCondition;

public enum RequestField
{
    Agent,
    Tool,
    Action,
    RequesterGroup,
}

public enum ArgOperator
{
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Ne,
    In,
    Contains,
    Matches,
}

/// <summary>An operand as written: its text, and its number when the text is one (invariant culture).</summary>
public sealed record ArgValue(string Text, double? Number)
{
    public static ArgValue Of(string text) =>
        new(text, double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) ? n : null);
}
