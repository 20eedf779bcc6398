using System.Runtime.CompilerServices;
using System.Text.Json;
using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Deterministic, pure keyword classifier for one <see cref="WorkflowDefinition"/>.
/// Build once per definition (term matchers are precomputed) and call <see cref="Classify(PolicyInput, DefinitionRef)"/> per request.
/// </summary>
public sealed class Classifier
{
    // Lets the static convenience reuse matchers for a definition instance without the caller holding one.
    private static readonly ConditionalWeakTable<WorkflowDefinition, Classifier> Cache = new();

    private readonly WorkflowDefinition _definition;
    private readonly (ClassificationRule Rule, TermMatcher[] Matchers)[] _rules;

    public Classifier(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definition = definition;
        _rules = definition.Classification.Rules
            .Select(r => (r, r.Terms.Select(t => new TermMatcher(t)).ToArray()))
            .ToArray();
    }

    /// <summary>Classifies with a cached <see cref="Classifier"/> for <paramref name="definition"/> (keyed by instance).</summary>
    public static ClassificationResult Classify(PolicyInput input, WorkflowDefinition definition, DefinitionRef reference) =>
        Cache.GetValue(definition, d => new Classifier(d)).Classify(input, reference);

    /// <summary>
    /// Every rule with a matching term is reported; the winner is the first matching rule of the highest risk
    /// and is listed first in <see cref="ClassificationResult.Matches"/>, the rest follow in definition order.
    /// No match yields the definition's default.
    /// </summary>
    public ClassificationResult Classify(PolicyInput input, DefinitionRef reference)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reference);
        var fields = Fields(input);

        var matches = new List<(ClassificationRule Rule, RuleMatch Match)>();
        foreach (var (rule, matchers) in _rules)
        {
            var terms = matchers.Where(m => fields.Any(m.IsMatch)).Select(m => m.Term).ToArray();
            if (terms.Length > 0)
            {
                matches.Add((rule, new RuleMatch(rule.Id, rule.Risk, terms)));
            }
        }

        if (matches.Count == 0)
        {
            var d = _definition.Classification.Default;
            return new ClassificationResult(d.Risk, d.Category, d.Confidence, d.Reason, RouteName(d.Risk), [], reference);
        }

        var winner = matches.MaxBy(m => m.Rule.Risk); // MaxBy keeps the first of equal keys.
        var ordered = matches.Where(m => !ReferenceEquals(m.Rule, winner.Rule)).Select(m => m.Match).Prepend(winner.Match).ToArray();
        var winningRule = winner.Rule;
        return new ClassificationResult(
            winningRule.Risk,
            winningRule.Category,
            winningRule.Confidence,
            Explain(winningRule.Reason, winner.Match.Terms),
            winningRule.Route ?? RouteName(winningRule.Risk),
            ordered,
            reference);
    }

    /// <summary>The route named after a risk: "green", "amber" or "red".</summary>
    public static string RouteName(RiskLevel risk) => risk.ToString().ToLowerInvariant();

    private static string Explain(string reason, IReadOnlyList<string> terms) =>
        $"{reason.TrimEnd().TrimEnd('.')} (matched: {string.Join(", ", terms)}).";

    // Each field is tokenised on its own so a term never spans two fields (text "... transfer" + tool "funds").
    private static List<IReadOnlyList<string>> Fields(PolicyInput input)
    {
        var raw = new List<string> { input.Text };
        if (input.ToolName is { } name)
        {
            raw.Add(name);
        }

        if (input.ToolAction is { } action)
        {
            raw.Add(action);
        }

        if (input.ToolArgs is { } args)
        {
            CollectValues(args, raw);
        }

        return raw.Select(s => WordTokenizer.Tokenize(TextNormalizer.Normalize(s))).ToList();
    }

    // Agents can hide the action in arguments ({"command":"sudo rm"}), so every string and number is scanned.
    private static void CollectValues(JsonElement element, List<string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                into.Add(element.GetString() ?? string.Empty);
                break;
            case JsonValueKind.Number:
                into.Add(element.GetRawText());
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectValues(item, into);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    CollectValues(property.Value, into);
                }

                break;
        }
    }
}
