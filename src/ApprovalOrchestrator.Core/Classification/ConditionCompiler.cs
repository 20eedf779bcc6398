using ApprovalOrchestrator.Core.Definitions.Rules;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>Turns a parsed (hence valid) <see cref="RuleCondition"/> into its evaluator, once per definition.</summary>
internal static class ConditionCompiler
{
    public static CompiledCondition Compile(RuleCondition condition, TimeSpan regexTimeout) => condition switch
    {
        TermsCondition t => new TermsNode(t.Terms),
        RegexCondition r => new RegexNode(r.Pattern, regexTimeout),
        FieldCondition f => new FieldNode(f.Field, f.Values),
        ArgCondition a => new ArgNode(a, regexTimeout),
        AllCondition all => new AllNode(all.Conditions.Select(c => Compile(c, regexTimeout)).ToArray()),
        AnyCondition any => new AnyNode(any.Conditions.Select(c => Compile(c, regexTimeout)).ToArray()),
        NotCondition not => new NotNode(Compile(not.Condition, regexTimeout), ConditionText.Format(not)),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "Unknown condition."),
    };
}
