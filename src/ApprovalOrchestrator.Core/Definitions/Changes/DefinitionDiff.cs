using System.Globalization;
using ApprovalOrchestrator.Core.Definitions.Rules;
using ApprovalOrchestrator.Core.Guardrails;

namespace ApprovalOrchestrator.Core.Definitions.Changes;

public sealed record FieldChange(string Field, string? From, string? To);

public sealed record RuleDiff(string Id, IReadOnlyList<FieldChange> Changes);

/// <summary><see cref="Kind"/> is "added", "removed" or "changed".</summary>
public sealed record RouteDiff(string Name, string Kind, IReadOnlyList<FieldChange> Changes);

/// <summary>What differs between two definitions, by meaning (not by text: comments and layout do not count).</summary>
public sealed record DefinitionDiffResult(
    IReadOnlyList<string> RulesAdded,
    IReadOnlyList<string> RulesRemoved,
    IReadOnlyList<RuleDiff> RulesChanged,
    IReadOnlyList<RouteDiff> RoutesChanged,
    IReadOnlyList<FieldChange> OtherChanges)
{
    public bool IsEmpty => RulesAdded.Count + RulesRemoved.Count + RulesChanged.Count + RoutesChanged.Count + OtherChanges.Count == 0;
}

/// <summary>Compares two definitions: rules by id (with the fields that changed, order included), routes by name. Pure.</summary>
public static class DefinitionDiff
{
    public static DefinitionDiffResult Compare(WorkflowDefinition a, WorkflowDefinition b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var rulesA = a.Classification.Rules.Select((r, i) => (Rule: r, Index: i)).ToDictionary(x => x.Rule.Id, StringComparer.Ordinal);
        var rulesB = b.Classification.Rules.Select((r, i) => (Rule: r, Index: i)).ToDictionary(x => x.Rule.Id, StringComparer.Ordinal);

        var changed = new List<RuleDiff>();
        foreach (var (id, (ruleB, indexB)) in rulesB)
        {
            if (rulesA.TryGetValue(id, out var x))
            {
                var fields = RuleFields(x.Rule, x.Index, ruleB, indexB);
                if (fields.Count > 0)
                {
                    changed.Add(new RuleDiff(id, fields));
                }
            }
        }

        var routes = new List<RouteDiff>();
        foreach (var name in a.Routes.Keys.Union(b.Routes.Keys).Order(StringComparer.Ordinal))
        {
            var inA = a.Routes.TryGetValue(name, out var ra);
            var inB = b.Routes.TryGetValue(name, out var rb);
            if (!inA)
            {
                routes.Add(new RouteDiff(name, "added", [new FieldChange("route", null, RouteText.Describe(rb!))]));
            }
            else if (!inB)
            {
                routes.Add(new RouteDiff(name, "removed", [new FieldChange("route", RouteText.Describe(ra!), null)]));
            }
            else if (RouteFields(ra!, rb!) is { Count: > 0 } fields)
            {
                routes.Add(new RouteDiff(name, "changed", fields));
            }
        }

        var other = new List<FieldChange>();
        Add(other, "name", a.Name, b.Name);
        Add(other, "description", a.Description, b.Description);
        var da = a.Classification.Default;
        var db = b.Classification.Default;
        Add(other, "classification.default.risk", Risk(da.Risk), Risk(db.Risk));
        Add(other, "classification.default.category", da.Category, db.Category);
        Add(other, "classification.default.confidence", Number(da.Confidence), Number(db.Confidence));
        Add(other, "classification.default.reason", da.Reason, db.Reason);
        Add(other, "classification.onMixedScript", MixedScript.Name(a.Classification.OnMixedScript), MixedScript.Name(b.Classification.OnMixedScript));
        Add(other, "execution.agentId", a.Execution.DefaultAgentId, b.Execution.DefaultAgentId);
        Add(other, "execution.timeout", RouteText.Duration(a.Execution.Timeout), RouteText.Duration(b.Execution.Timeout));
        Add(other, "tools", RouteText.Tools(a.Access), RouteText.Tools(b.Access));
        Add(other, "agents", string.Join(", ", a.Access.Agents), string.Join(", ", b.Access.Agents));
        Add(other, "unknownTool", a.Access.UnknownToolRoute, b.Access.UnknownToolRoute);
        Add(other, "unknownAgent", a.Access.UnknownAgentRoute, b.Access.UnknownAgentRoute);
        AddGuardrails(other, a.Guardrails, b.Guardrails);

        return new DefinitionDiffResult(
            rulesB.Keys.Where(id => !rulesA.ContainsKey(id)).ToArray(),
            rulesA.Keys.Where(id => !rulesB.ContainsKey(id)).ToArray(),
            changed,
            routes,
            other);
    }

    private static List<FieldChange> RuleFields(ClassificationRule a, int indexA, ClassificationRule b, int indexB)
    {
        var fields = new List<FieldChange>();
        Add(fields, "risk", Risk(a.Risk), Risk(b.Risk));
        Add(fields, "category", a.Category, b.Category);
        Add(fields, "confidence", Number(a.Confidence), Number(b.Confidence));
        Add(fields, "reason", a.Reason, b.Reason);
        Add(fields, "route", a.Route, b.Route);
        Add(fields, "when", ConditionText.Format(a.Condition), ConditionText.Format(b.Condition));
        // Order matters: the first matching rule of the highest risk wins.
        Add(fields, "position", indexA.ToString(CultureInfo.InvariantCulture), indexB.ToString(CultureInfo.InvariantCulture));
        return fields;
    }

    private static List<FieldChange> RouteFields(RoutePolicy a, RoutePolicy b)
    {
        var fields = new List<FieldChange>();
        Add(fields, "action", a.Action.ToString().ToLowerInvariant(), b.Action.ToString().ToLowerInvariant());
        for (var i = 0; i < Math.Max(a.Tiers.Count, b.Tiers.Count); i++)
        {
            var ta = i < a.Tiers.Count ? a.Tiers[i] : null;
            var tb = i < b.Tiers.Count ? b.Tiers[i] : null;
            if (ta is null || tb is null)
            {
                Add(fields, $"tiers[{i}]", ta is null ? null : RouteText.Tier(ta), tb is null ? null : RouteText.Tier(tb));
                continue;
            }

            Add(fields, $"tiers[{i}].group", ta.Group, tb.Group);
            Add(fields, $"tiers[{i}].requiredApprovals", ta.RequiredApprovals.ToString(CultureInfo.InvariantCulture), tb.RequiredApprovals.ToString(CultureInfo.InvariantCulture));
            Add(fields, $"tiers[{i}].timeout", RouteText.Duration(ta.Timeout), RouteText.Duration(tb.Timeout));
        }

        Add(fields, "onExpiry", a.OnExpiry.ToString().ToLowerInvariant(), b.OnExpiry.ToString().ToLowerInvariant());
        Add(fields, "gateway", a.Gateway is { } ga ? RouteText.Gateway(ga) : null, b.Gateway is { } gb ? RouteText.Gateway(gb) : null);
        Add(fields, "guardrails", a.Guardrails is { } oa ? RouteText.Guardrails(oa) : null, b.Guardrails is { } ob ? RouteText.Guardrails(ob) : null);
        return fields;
    }

    /// <summary>
    /// Per detector, the effective action before and after (a reviewer must see "private-key: block → allow" even when
    /// only the default changed), then the response action and the approval route.
    /// </summary>
    private static void AddGuardrails(List<FieldChange> into, GuardrailPolicy? a, GuardrailPolicy? b)
    {
        if (a is null && b is null)
        {
            return;
        }

        Add(into, "guardrails", a is null ? "none" : "present", b is null ? "none" : "present");
        foreach (var id in Detection.DetectorRegistry.Ids)
        {
            Add(into, $"guardrails.detectors.{id}", a is null ? null : GuardrailNames.Of(a.ActionFor(id)), b is null ? null : GuardrailNames.Of(b.ActionFor(id)));
        }

        Add(into, "guardrails.response", a is null ? null : GuardrailNames.Of(a.Response), b is null ? null : GuardrailNames.Of(b.Response));
        Add(into, "guardrails.approvalRoute", a?.ApprovalRoute, b?.ApprovalRoute);
    }

    private static void Add(List<FieldChange> into, string field, string? from, string? to)
    {
        if (!string.Equals(from, to, StringComparison.Ordinal))
        {
            into.Add(new FieldChange(field, from, to));
        }
    }

    private static string Risk(RiskLevel risk) => risk.ToString().ToLowerInvariant();

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
