using System.Runtime.CompilerServices;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Rules;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Deterministic, pure rule classifier for one <see cref="WorkflowDefinition"/>.
/// Build once per definition (conditions are compiled: term matchers, regexes, arg paths) and call
/// <see cref="Classify(PolicyInput, DefinitionRef)"/> per request.
/// </summary>
public sealed class Classifier
{
    // Lets the static convenience reuse compiled rules for a definition instance without the caller holding one.
    private static readonly ConditionalWeakTable<WorkflowDefinition, Classifier> Cache = new();

    private readonly WorkflowDefinition _definition;
    private readonly (ClassificationRule Rule, CompiledCondition Condition)[] _rules;

    public Classifier(WorkflowDefinition definition)
        : this(definition, RuleRegex.MatchTimeout)
    {
    }

    /// <summary>With another regex match timeout (tests of the fail-closed timeout path).</summary>
    public Classifier(WorkflowDefinition definition, TimeSpan regexTimeout)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definition = definition;
        _rules = definition.Classification.Rules
            .Select(r => (r, ConditionCompiler.Compile(r.Condition, regexTimeout)))
            .ToArray();
    }

    /// <summary>Classifies with a cached <see cref="Classifier"/> for <paramref name="definition"/> (keyed by instance).</summary>
    public static ClassificationResult Classify(PolicyInput input, WorkflowDefinition definition, DefinitionRef reference) =>
        Cache.GetValue(definition, d => new Classifier(d)).Classify(input, reference);

    /// <summary>
    /// Every rule whose condition holds is reported; the winner is the first matching rule of the highest risk
    /// and is listed first in <see cref="ClassificationResult.Matches"/>, the rest follow in definition order.
    /// No match yields the definition's default. Then <see cref="DenyByDefault"/> routes undeclared tools and agents.
    /// </summary>
    public ClassificationResult Classify(PolicyInput input, DefinitionRef reference)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reference);
        return DenyByDefault.Apply(ClassifyByRules(input, reference), input, _definition, reference);
    }

    private ClassificationResult ClassifyByRules(PolicyInput input, DefinitionRef reference)
    {
        var facts = RequestFacts.From(input);

        var matches = new List<(ClassificationRule Rule, RuleMatch Match)>();
        var warnings = new List<string>();
        foreach (var (rule, condition) in _rules)
        {
            var evidence = new MatchEvidence();
            var holds = condition.Evaluate(facts, evidence);
            warnings.AddRange(evidence.Warnings.Select(w => $"rule '{rule.Id}': {w}"));
            if (holds)
            {
                matches.Add((rule, new RuleMatch(rule.Id, rule.Risk, evidence.Terms.Distinct(StringComparer.Ordinal).ToArray(), evidence.Details.Count > 0 ? evidence.Details.ToArray() : null)));
            }
        }

        var warningList = warnings.Count > 0 ? warnings : null;
        if (matches.Count == 0)
        {
            var d = _definition.Classification.Default;
            return new ClassificationResult(d.Risk, d.Category, d.Confidence, d.Reason, RouteName(d.Risk), [], reference, warningList);
        }

        var winner = matches.MaxBy(m => m.Rule.Risk); // MaxBy keeps the first of equal keys.
        var ordered = matches.Where(m => !ReferenceEquals(m.Rule, winner.Rule)).Select(m => m.Match).Prepend(winner.Match).ToArray();
        var winningRule = winner.Rule;
        return new ClassificationResult(
            winningRule.Risk,
            winningRule.Category,
            winningRule.Confidence,
            Explain(winningRule.Reason, winner.Match),
            winningRule.Route ?? RouteName(winningRule.Risk),
            ordered,
            reference,
            warningList);
    }

    /// <summary>The route named after a risk: "green", "amber" or "red".</summary>
    public static string RouteName(RiskLevel risk) => risk.ToString().ToLowerInvariant();

    private static string Explain(string reason, RuleMatch match)
    {
        var evidence = match.Terms.Concat(match.Details ?? []).ToArray();
        return evidence.Length == 0
            ? $"{reason.TrimEnd().TrimEnd('.')}."
            : $"{reason.TrimEnd().TrimEnd('.')} (matched: {string.Join(", ", evidence)}).";
    }
}
