using System.Globalization;
using System.Net;
using System.Text;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Changes;
using ApprovalOrchestrator.Core.Definitions.Rules;
using Microsoft.AspNetCore.Html;

namespace ApprovalOrchestrator.Server.Web.Rendering;

/// <summary>
/// A definition drawn as inline SVG, server-side: rules (and the default) on the left, each wired to the route it leads
/// to; each approval route continues to the right through its tiers (group, approvals, timeout) to what happens on expiry.
/// Colours only repeat what the text says (risk names are written out), and only presentation attributes are used, so
/// the page's Content-Security-Policy (no inline styles) holds.
/// </summary>
public static class DefinitionDiagram
{
    private const int RuleX = 10, RuleW = 250, RuleH = 58, Gap = 14;
    private const int RouteX = 330, RouteW = 150, RouteH = 58;
    private const int TierX = 540, TierW = 170, TierGap = 56;
    private const int Top = 34;

    public static IHtmlContent Render(WorkflowDefinition definition)
    {
        var rules = definition.Classification.Rules
            .Select(r => (Title: r.Id, Risk: r.Risk, Detail: Clip(ConditionText.Format(r.Condition), 38), Route: r.Route ?? Classifier.RouteName(r.Risk)))
            .Append((Title: "default (no rule matched)", Risk: definition.Classification.Default.Risk, Detail: definition.Classification.Default.Category, Route: Classifier.RouteName(definition.Classification.Default.Risk)))
            // Deny by default: what the definition does not declare, and where it goes.
            .Append((Title: "undeclared tool or action", Risk: AccessPolicy.RiskOfRoute(definition.Access.UnknownToolRoute),
                Detail: Clip(definition.Access.Tools.Count == 0 ? "no tools declared" : "declared: " + RouteText.Tools(definition.Access), 38), Route: definition.Access.UnknownToolRoute))
            .Append((Title: "undeclared agent", Risk: AccessPolicy.RiskOfRoute(definition.Access.UnknownAgentRoute),
                Detail: Clip("known: " + string.Join(", ", definition.Access.Agents.Prepend(definition.Execution.DefaultAgentId).Distinct(StringComparer.Ordinal)), 38), Route: definition.Access.UnknownAgentRoute))
            .ToList();
        var routes = definition.Routes.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var routeRowH = RouteH + Gap + 10;
        var height = Top + Math.Max(rules.Count * (RuleH + Gap), routes.Count * routeRowH) + 10;
        var maxTiers = routes.Count == 0 ? 0 : routes.Max(r => r.Tiers.Count);
        var width = TierX + (maxTiers * (TierW + TierGap)) + 150;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"dg-title\" font-family=\"system-ui, sans-serif\" font-size=\"13\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"dg-title\">{E(definition.Id)}: rules lead to routes; approval routes escalate through their tiers</title>");
        svg.Append("<defs><marker id=\"dg-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#59636e\"/></marker></defs>");
        Heading(svg, RuleX, "Rules (first match by risk)");
        Heading(svg, RouteX, "Routes");
        if (maxTiers > 0)
        {
            Heading(svg, TierX, "Approval tiers (escalate on timeout)");
        }

        var routeY = routes.Select((r, i) => (r.Name, Y: Top + (i * routeRowH))).ToDictionary(x => x.Name, x => x.Y, StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var y = Top + (i * (RuleH + Gap));
            Box(svg, RuleX, y, RuleW, RuleH, RiskFill(rule.Risk), RiskStroke(rule.Risk), [(rule.Title, true), ($"{Classifier.RouteName(rule.Risk)} · {rule.Detail}", false)]);
            if (routeY.TryGetValue(rule.Route, out var ry))
            {
                Edge(svg, RuleX + RuleW, y + (RuleH / 2), RouteX, ry + (RouteH / 2), null);
            }
        }

        foreach (var route in routes)
        {
            var y = routeY[route.Name];
            var action = route.Action.ToString().ToLowerInvariant();
            var (fill, stroke) = route.Action switch
            {
                RouteAction.Block => ("#ffe1de", "#b3261e"),
                RouteAction.Execute => ("#dafbe1", "#1a7f37"),
                _ => ("#fff1c2", "#8a5a00"),
            };
            Box(svg, RouteX, y, RouteW, RouteH, fill, stroke, [(route.Name, true), (route.Action == RouteAction.Approve && route.RejectPolicy == RejectPolicy.Majority ? "approve · majority reject" : action, false)]);
            var x = RouteX + RouteW;
            for (var t = 0; t < route.Tiers.Count; t++)
            {
                var tier = route.Tiers[t];
                var tx = TierX + (t * (TierW + TierGap));
                Edge(svg, x, y + (RouteH / 2), tx, y + (RouteH / 2), t == 0 ? null : "after " + Human(route.Tiers[t - 1].Timeout));
                Box(svg, tx, y, TierW, RouteH, "#ffffff", "#0b5cad", [($"{t + 1}. {tier.Group}", true), ($"{tier.RequiredApprovals} approval{(tier.RequiredApprovals == 1 ? "" : "s")} · {Human(tier.Timeout)}", false)]);
                x = tx + TierW;
            }

            if (route.Tiers.Count > 0)
            {
                var ex = TierX + (route.Tiers.Count * (TierW + TierGap));
                Edge(svg, x, y + (RouteH / 2), ex, y + (RouteH / 2), "after " + Human(route.Tiers[^1].Timeout));
                Box(svg, ex, y + 12, 130, RouteH - 24, "#ffe1de", "#b3261e", [("expire: " + route.OnExpiry.ToString().ToLowerInvariant(), true)]);
            }
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>"4h", "1d", "30m": ISO 8601 durations are for files, not for a picture.</summary>
    public static string Human(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? $"{span.TotalDays:0}d"
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours:0}h"
        : span.TotalMinutes >= 1 && span.TotalMinutes == Math.Floor(span.TotalMinutes) ? $"{span.TotalMinutes:0}m"
        : RouteText.Duration(span);

    private static void Heading(StringBuilder svg, int x, string text) =>
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"20\" font-weight=\"700\" fill=\"#59636e\">{E(text)}</text>");

    private static void Box(StringBuilder svg, int x, int y, int w, int h, string fill, string stroke, (string Text, bool Bold)[] lines)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<g><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"8\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>");
        var first = y + (h / 2) - ((lines.Length - 1) * 9) + 4;
        for (var i = 0; i < lines.Length; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 10}\" y=\"{first + (i * 18)}\" fill=\"#1b1f24\"{(lines[i].Bold ? " font-weight=\"700\"" : "")}>{E(Clip(lines[i].Text, (w - 16) / 7))}</text>");
        }

        svg.Append("</g>");
    }

    private static void Edge(StringBuilder svg, int x1, int y1, int x2, int y2, string? label)
    {
        var mid = (x1 + x2) / 2;
        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2 - 2},{y2}\" fill=\"none\" stroke=\"#59636e\" stroke-width=\"1.4\" marker-end=\"url(#dg-arrow)\"/>");
        if (label is not null)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{mid}\" y=\"{y1 - 6}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#59636e\">{E(label)}</text>");
        }
    }

    private static string RiskFill(RiskLevel risk) => risk switch
    {
        RiskLevel.Red => "#ffe1de",
        RiskLevel.Amber => "#fff1c2",
        _ => "#dafbe1",
    };

    private static string RiskStroke(RiskLevel risk) => risk switch
    {
        RiskLevel.Red => "#b3261e",
        RiskLevel.Amber => "#8a5a00",
        _ => "#1a7f37",
    };

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..Math.Max(1, max - 1)] + "…";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
