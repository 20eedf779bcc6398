using ApprovalOrchestrator.Core.Classification;

namespace ApprovalOrchestrator.Core.Definitions.Changes;

/// <summary>A request as it was submitted, replayed by <see cref="WhatIf"/>.</summary>
public sealed record RecordedRequest(string Id, PolicyInput Input);

/// <summary>One request whose outcome would change.</summary>
public sealed record WhatIfExample(string RequestId, string Text);

/// <summary>All requests that would move from <see cref="From"/> to <see cref="To"/> (<see cref="Kind"/> is "risk", "route" or "guardrails").</summary>
public sealed record WhatIfChange(string Kind, string From, string To, int Count, IReadOnlyList<WhatIfExample> Examples);

/// <summary>
/// How many of <see cref="Evaluated"/> requests would change risk, route, or what the guardrails do with them (decision
/// and action per detector found: "block · private-key: block" → "pass · private-key: allow") under the draft; changes
/// grouped by from → to.
/// </summary>
public sealed record WhatIfReport(int Evaluated, int RiskChanged, int RouteChanged, IReadOnlyList<WhatIfChange> Changes, int GuardrailsChanged = 0);

/// <summary>Replays recorded requests under the current and a draft definition, before the draft is published. Pure.</summary>
public static class WhatIf
{
    /// <summary>Examples kept per from → to change.</summary>
    public const int MaxExamples = 5;

    /// <summary>
    /// A request's route changes when the route it leads to has another name, or the same name but different content
    /// (action, tiers, expiry, gateway): either way it would be handled differently.
    /// </summary>
    public static WhatIfReport Evaluate(IEnumerable<RecordedRequest> requests, WorkflowDefinition current, WorkflowDefinition draft)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var before = new Classifier(current);
        var after = new Classifier(draft);
        var currentRef = new DefinitionRef(current.Id, 0, "current");
        var draftRef = new DefinitionRef(draft.Id, 0, "draft");

        var changes = new Dictionary<(string Kind, string From, string To), (int Count, List<WhatIfExample> Examples)>();
        int evaluated = 0, riskChanged = 0, routeChanged = 0, guardrailsChanged = 0;
        foreach (var request in requests)
        {
            evaluated++;
            var a = before.Classify(request.Input, currentRef);
            var b = after.Classify(request.Input, draftRef);
            if (a.Risk != b.Risk)
            {
                riskChanged++;
                Note(changes, ("risk", Classifier.RouteName(a.Risk), Classifier.RouteName(b.Risk)), request);
            }

            var routeA = RouteText.Describe(current.RouteFor(a.Route));
            var routeB = RouteText.Describe(draft.RouteFor(b.Route));
            if (routeA != routeB)
            {
                routeChanged++;
                Note(changes, ("route", routeA, routeB), request);
            }

            var guardA = Guardrails(a);
            var guardB = Guardrails(b);
            if (guardA != guardB)
            {
                guardrailsChanged++;
                Note(changes, ("guardrails", guardA, guardB), request);
            }
        }

        var list = changes
            .OrderBy(c => c.Key.Kind, StringComparer.Ordinal)
            .ThenByDescending(c => c.Value.Count)
            .ThenBy(c => c.Key.From, StringComparer.Ordinal)
            .ThenBy(c => c.Key.To, StringComparer.Ordinal)
            .Select(c => new WhatIfChange(c.Key.Kind, c.Key.From, c.Key.To, c.Value.Count, c.Value.Examples))
            .ToArray();
        return new WhatIfReport(evaluated, riskChanged, routeChanged, list, guardrailsChanged);
    }

    private static string Guardrails(ClassificationResult c) => c.Guardrails is not { } g
        ? "none"
        : g.Actions.Count == 0 ? g.Decision : $"{g.Decision} · {string.Join(", ", g.Actions.Select(x => $"{x.Key}: {x.Value}"))}";

    private static void Note(Dictionary<(string, string, string), (int Count, List<WhatIfExample> Examples)> changes, (string, string, string) key, RecordedRequest request)
    {
        var (count, examples) = changes.TryGetValue(key, out var entry) ? entry : (0, []);
        if (examples.Count < MaxExamples)
        {
            examples.Add(new WhatIfExample(request.Id, request.Input.Text));
        }

        changes[key] = (count + 1, examples);
    }
}
