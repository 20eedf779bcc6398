using System.Runtime.CompilerServices;
using ApprovalOrchestrator.Core.Classification.Folding;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Rules;
using ApprovalOrchestrator.Core.Guardrails;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Deterministic, pure rule classifier for one <see cref="WorkflowDefinition"/>.
/// Build once per definition (conditions are compiled: term matchers, regexes, arg paths) and call
/// <see cref="Classify(PolicyInput, DefinitionRef)"/> per request.
/// </summary>
public sealed class Classifier
{
    /// <summary>The rule id reported for the mixed-script signal (parentheses: no definition rule can be named so).</summary>
    public const string MixedScriptRuleId = "(mixed-script)";

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
        _rules = TextFolding.IsAvailable
            ? definition.Classification.Rules.Select(r => (r, ConditionCompiler.Compile(r.Condition, regexTimeout))).ToArray()
            : [];
    }

    /// <summary>Classifies with a cached <see cref="Classifier"/> for <paramref name="definition"/> (keyed by instance).</summary>
    public static ClassificationResult Classify(PolicyInput input, WorkflowDefinition definition, DefinitionRef reference, Budgets.BudgetOutcome? budget = null) =>
        Cache.GetValue(definition, d => new Classifier(d)).Classify(input, reference, budget);

    /// <summary>
    /// Every rule whose condition holds is reported; the winner is the first matching rule of the highest risk
    /// and is listed first in <see cref="ClassificationResult.Matches"/>, the rest follow in definition order.
    /// No match yields the definition's default; then <see cref="DenyByDefault"/> routes undeclared tools and agents.
    /// Fail closed: a rule whose condition is indeterminate (<see cref="Truth.Unknown"/>: a regex timed out, a number could
    /// not be read, a value equals only as look-alikes) counts as matching when its risk is at least that of the rest of the
    /// result, and is ignored when it would lower it. A word that mixes scripts raises the result to the definition's
    /// <see cref="ClassificationPolicy.OnMixedScript"/>. Without the Unicode data to fold text, every request is red.
    /// </summary>
    /// <param name="budget">The agent's budget as the shell checked it against the stored counters (null: none applies).</param>
    public ClassificationResult Classify(PolicyInput input, DefinitionRef reference, Budgets.BudgetOutcome? budget = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reference);
        if (TextFolding.Problem is { } problem)
        {
            return GuardrailEvaluator.Apply(
                Budgets.BudgetEvaluator.Apply(
                    new ClassificationResult(
                        RiskLevel.Red, "unclassifiable", 1.0, $"The request text could not be folded for matching ({problem}); classified red, fail closed.", RouteName(RiskLevel.Red), [], reference, [problem]),
                    budget,
                    _definition),
                input,
                _definition);
        }

        // Budgets after deny-by-default (they may send a green request to people); guardrails last: they act on the route
        // chosen before them, so the redaction is the final route's.
        var ruled = DenyByDefault.Apply(ClassifyByRules(input, reference), input, _definition, reference);
        return GuardrailEvaluator.Apply(Budgets.BudgetEvaluator.Apply(ruled, budget, _definition), input, _definition);
    }

    private ClassificationResult ClassifyByRules(PolicyInput input, DefinitionRef reference)
    {
        var facts = RequestFacts.From(input);
        var evaluated = new List<(ClassificationRule Rule, RuleMatch Match, Truth Truth)>();
        var warnings = new List<string>();
        foreach (var (rule, condition) in _rules)
        {
            var evidence = new MatchEvidence();
            var truth = condition.Evaluate(facts, evidence);
            warnings.AddRange(evidence.Warnings.Select(w => $"rule '{rule.Id}': {w}"));
            if (truth != Truth.False)
            {
                evaluated.Add((rule, new RuleMatch(rule.Id, rule.Risk, evidence.Terms.Distinct(StringComparer.Ordinal).ToArray(), evidence.Details.Count > 0 ? evidence.Details.ToArray() : null), truth));
            }
        }

        var baseline = evaluated.Where(e => e.Truth == Truth.True).Select(e => e.Rule.Risk).DefaultIfEmpty(_definition.Classification.Default.Risk).Max();
        var matches = new List<(ClassificationRule? Rule, RuleMatch Match)>();
        foreach (var (rule, match, truth) in evaluated)
        {
            if (truth == Truth.True || rule.Risk >= baseline)
            {
                matches.Add((rule, match));
            }

            if (truth == Truth.Unknown)
            {
                warnings.Add(rule.Risk >= baseline
                    ? $"rule '{rule.Id}' could not be decided; counted as matching (fail closed)"
                    : $"rule '{rule.Id}' could not be decided; not counted, as it would lower the risk");
            }
        }

        AddMixedScript(facts, matches);

        var warningList = warnings.Count > 0 ? warnings : null;
        if (matches.Count == 0)
        {
            var d = _definition.Classification.Default;
            return new ClassificationResult(d.Risk, d.Category, d.Confidence, d.Reason, RouteName(d.Risk), [], reference, warningList);
        }

        var winner = matches.MaxBy(m => m.Match.Risk); // MaxBy keeps the first of equal keys.
        var ordered = matches.Where(m => !ReferenceEquals(m.Match, winner.Match)).Select(m => m.Match).Prepend(winner.Match).ToArray();
        if (winner.Rule is not { } winningRule)
        {
            return new ClassificationResult(
                winner.Match.Risk, "mixed_script", 0.9, Explain("A word mixes letters of different scripts, the shape of a look-alike attack", winner.Match), RouteName(winner.Match.Risk), ordered, reference, warningList);
        }

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

    // The signal goes last so a rule of the same risk still decides; it wins only when it raises the risk.
    private void AddMixedScript(RequestFacts facts, List<(ClassificationRule? Rule, RuleMatch Match)> matches)
    {
        if (MixedScript.Risk(_definition.Classification.OnMixedScript) is not { } risk)
        {
            return;
        }

        var found = new List<string>();
        for (var i = 0; i < facts.Words.Count; i++)
        {
            foreach (var word in facts.Words[i].Plain)
            {
                if (Folding.ScriptMix.MixedScripts(word) is { } scripts)
                {
                    var detail = $"a word in the {facts.Fields[i].Label} mixes {string.Join(" and ", scripts)}";
                    if (!found.Contains(detail))
                    {
                        found.Add(detail);
                    }
                }
            }
        }

        if (found.Count > 0)
        {
            matches.Add((null, new RuleMatch(MixedScriptRuleId, risk, [], found)));
        }
    }

    private static string Explain(string reason, RuleMatch match)
    {
        var evidence = match.Terms.Concat(match.Details ?? []).ToArray();
        return evidence.Length == 0
            ? $"{reason.TrimEnd().TrimEnd('.')}."
            : $"{reason.TrimEnd().TrimEnd('.')} (matched: {string.Join(", ", evidence)}).";
    }
}
