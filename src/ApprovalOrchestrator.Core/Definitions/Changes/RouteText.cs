using System.Xml;

namespace ApprovalOrchestrator.Core.Definitions.Changes;

/// <summary>Readable, canonical text of routes and durations, used to compare and to show them.</summary>
public static class RouteText
{
    /// <summary>E.g. <c>amber: approve [team-leads x1 PT4H, managers x1 PT8H] onExpiry reject</c>.</summary>
    public static string Describe(RoutePolicy route)
    {
        var text = $"{route.Name}: {route.Action.ToString().ToLowerInvariant()}";
        if (route.Tiers.Count > 0)
        {
            text += $" [{string.Join(", ", route.Tiers.Select(Tier))}] onExpiry {route.OnExpiry.ToString().ToLowerInvariant()}";
        }

        return route.Gateway is { } g ? $"{text} gateway {Gateway(g)}" : text;
    }

    public static string Tier(ApprovalTier tier) => $"{tier.Group} x{tier.RequiredApprovals} {Duration(tier.Timeout)}";

    public static string Gateway(RouteGateway g) =>
        $"{{agentId: {g.AgentId ?? "-"}, mode: {g.Mode?.ToString().ToLowerInvariant() ?? "-"}, timeout: {(g.Timeout is { } t ? Duration(t) : "-")}{(g.Model is { } m ? $", model: {m}" : string.Empty)}}}";

    /// <summary>A route's guardrails override: <c>{email: allow, default: redact, response: withhold}</c>.</summary>
    public static string Guardrails(Guardrails.GuardrailOverride o) =>
        "{" + string.Join(", ", o.Detectors.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}: {Core.Guardrails.GuardrailNames.Of(d.Value)}")
            .Concat(o.Default is { } d ? [$"default: {Core.Guardrails.GuardrailNames.Of(d)}"] : [])
            .Concat(o.Response is { } r ? [$"response: {Core.Guardrails.GuardrailNames.Of(r)}"] : [])) + "}";

    public static string Duration(TimeSpan span) => XmlConvert.ToString(span);

    /// <summary>The declared tools in name order: <c>files(list, stat), sessions_list(any)</c>; empty when none.</summary>
    public static string Tools(AccessPolicy access) =>
        string.Join(", ", access.Tools.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => $"{t.Name}({(t.Actions is null ? "any" : string.Join(", ", t.Actions))})"));
}
