using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Guardrails;

/// <summary>
/// The guardrails step of classification, pure: (normalized request, definition, the rules' route) → findings, the
/// action taken per detector, and the request as it will be sent. The route's override applies over the definition's
/// policy. <c>block</c> blocks; <c>require-approval</c> moves a request whose route would execute it to the policy's
/// approval route (then that route's policy decides what is redacted, and may still block); <c>redact</c> only changes
/// what is sent. A finding that cannot be replaced in place (split across fields, or in an argument name) of a detector
/// the policy redacts goes to people instead. The risk is never changed: the guardrails say what may leave, the rules say
/// how risky the action is.
/// </summary>
public static class GuardrailEvaluator
{
    public static ClassificationResult Apply(ClassificationResult ruled, PolicyInput input, WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(ruled);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Guardrails is not { } policy)
        {
            return ruled;
        }

        var scan = RequestScan.Of(input.Text, input.ToolArgs);
        var route = ruled.Route;
        var effective = policy.With(definition.RouteFor(route).Guardrails);
        var actions = Decide(scan, effective);
        string? movedFrom = null;
        if (!actions.ContainsValue(GuardrailAction.Block)
            && actions.ContainsValue(GuardrailAction.RequireApproval)
            && definition.RouteFor(route).Action == RouteAction.Execute)
        {
            movedFrom = route;
            route = policy.ApprovalRoute;
            effective = policy.With(definition.RouteFor(route).Guardrails);
            // The approval route's policy decides from here, but never less than approval: what sent it there stays.
            var again = Decide(scan, effective);
            foreach (var (id, action) in actions.Where(a => a.Value == GuardrailAction.RequireApproval))
            {
                again[id] = again[id] == GuardrailAction.Block ? GuardrailAction.Block : action;
            }

            actions = again;
        }

        var decision = actions.ContainsValue(GuardrailAction.Block) ? GuardrailOutcome.Blocked
            : actions.ContainsValue(GuardrailAction.RequireApproval) ? GuardrailOutcome.RequireApproval
            : actions.ContainsValue(GuardrailAction.Redact) ? GuardrailOutcome.Redacted
            : GuardrailOutcome.Pass;
        var reason = decision switch
        {
            GuardrailOutcome.Blocked => $"Blocked by the definition's guardrails: {Describe(scan, actions, GuardrailAction.Block)}; nothing is sent to the agent.",
            GuardrailOutcome.RequireApproval => $"{ruled.Reason.TrimEnd()} Guardrails require approval: {Describe(scan, actions, GuardrailAction.RequireApproval)}.",
            _ => ruled.Reason,
        };

        var (outgoing, _) = OutgoingRedaction.Redact(input.Text, input.ToolArgs, reason, effective);
        var outcome = new GuardrailOutcome(
            scan.Counts,
            new SortedDictionary<string, string>(actions.ToDictionary(a => a.Key, a => GuardrailNames.Of(a.Value)), StringComparer.Ordinal),
            decision,
            movedFrom,
            outgoing);
        return ruled with { Route = route, Reason = reason, Guardrails = outcome };
    }

    /// <summary>The effective policy of the route a classified request took: what execution redacts and screens with.</summary>
    public static GuardrailPolicy? PolicyFor(WorkflowDefinition definition, string route) =>
        definition.Guardrails?.With(definition.RouteFor(route).Guardrails);

    private static Dictionary<string, GuardrailAction> Decide(RequestScan scan, GuardrailPolicy policy)
    {
        var actions = new Dictionary<string, GuardrailAction>(StringComparer.Ordinal);
        foreach (var id in scan.Found)
        {
            var action = policy.ActionFor(id);
            // Redaction cannot reach a value split across fields or in an argument name: people look at it instead.
            actions[id] = action == GuardrailAction.Redact && scan.Unplaceable.Contains(id) ? GuardrailAction.RequireApproval : action;
        }

        return actions;
    }

    private static string Describe(RequestScan scan, Dictionary<string, GuardrailAction> actions, GuardrailAction which) =>
        string.Join(", ", actions.Where(a => a.Value == which).Select(a => a.Key).Order(StringComparer.Ordinal)
            .Select(id => $"{id} ({Math.Max(1, scan.Counts.GetValueOrDefault(id))}{(scan.Unplaceable.Contains(id) ? ", split across fields or in an argument name" : string.Empty)})"));
}
