using ApprovalOrchestrator.Core.Detection;
using ApprovalOrchestrator.Core.Guardrails;
using YamlDotNet.RepresentationModel;
using static ApprovalOrchestrator.Core.Definitions.YamlNodeReader;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Reads <c>guardrails</c>: at the top level (<c>detectors</c>, <c>default</c>, <c>response</c>, <c>approvalRoute</c>)
/// and on a route (<c>detectors</c>, <c>default</c>, <c>response</c>). Detector ids must be known; the approval route
/// must be an approve route; a route may not loosen what the definition blocks, and route guardrails need top-level
/// ones (there is nothing to override otherwise).
/// </summary>
internal static class GuardrailsReader
{
    public const string Key = "guardrails";

    private static readonly string[] TopKeys = ["detectors", "default", "response", "approvalRoute"];
    private static readonly string[] RouteKeys = ["detectors", "default", "response"];

    public static GuardrailPolicy? ReadTop(YamlNode node, YamlNodeReader r, ref bool valid)
    {
        var map = r.Mapping(node, Key, TopKeys);
        if (map is null)
        {
            valid = false;
            return null;
        }

        var detectors = ReadDetectors(map, Key, r, ref valid);
        var fallback = ReadAction(map, "default", Key, r, ref valid) ?? GuardrailAction.Allow;
        var response = ReadResponse(map, Key, r, ref valid) ?? ResponseAction.Redact;
        var approvalRoute = r.String(Optional(map, "approvalRoute"), Join(Key, "approvalRoute")) ?? GuardrailPolicy.DefaultApprovalRoute;
        return new GuardrailPolicy(detectors, fallback, response, approvalRoute);
    }

    public static GuardrailOverride? ReadRoute(YamlNode node, string path, YamlNodeReader r)
    {
        var map = r.Mapping(node, path, RouteKeys);
        if (map is null)
        {
            return null;
        }

        var valid = true;
        var detectors = ReadDetectors(map, path, r, ref valid);
        var fallback = ReadAction(map, "default", path, r, ref valid);
        var response = ReadResponse(map, path, r, ref valid);
        return valid ? new GuardrailOverride(detectors, fallback, response) : null;
    }

    /// <summary>Checks that need the routes: the approval route, route overrides without a top-level policy, loosened blocks.</summary>
    public static bool Check(GuardrailPolicy? policy, bool hasTop, IReadOnlyDictionary<string, RoutePolicy> routes, YamlNodeReader r)
    {
        var valid = true;
        foreach (var route in routes.Values.Where(x => x.Guardrails is not null))
        {
            var path = Join(Join("routes", route.Name), Key);
            if (!hasTop)
            {
                r.Error(path, "route guardrails override the definition's 'guardrails', which it does not have");
                valid = false;
                continue;
            }

            if (policy is null)
            {
                continue;
            }

            var applied = policy.With(route.Guardrails);
            foreach (var id in DetectorRegistry.Ids.Where(id => policy.ActionFor(id) == GuardrailAction.Block && applied.ActionFor(id) != GuardrailAction.Block))
            {
                r.Error(Join(Join(path, "detectors"), id), $"the definition blocks '{id}'; a route may not loosen it (it would be '{GuardrailNames.Of(applied.ActionFor(id))}' here)");
                valid = false;
            }
        }

        if (policy is not null && (Uses(policy, GuardrailAction.RequireApproval) || routes.Values.Any(x => x.Guardrails is { } o && Uses(policy.With(o), GuardrailAction.RequireApproval))))
        {
            valid &= CheckApprovalRoute(Join(Key, "approvalRoute"), policy.ApprovalRoute, "requests", routes, r);
        }

        if (policy is not null)
        {
            foreach (var id in new[] { DetectorIds.PrivateKey, DetectorIds.CloudCredential }.Where(id => policy.ActionFor(id) == GuardrailAction.Allow))
            {
                r.Warning(Join(Join(Key, "detectors"), id), $"'{id}' is allowed: key material would be sent to the agent as written");
            }
        }

        return valid;
    }

    /// <summary>The route <c>require-approval</c> sends <paramref name="what"/> to must exist and be an approve route (also for budgets).</summary>
    public static bool CheckApprovalRoute(string path, string route, string what, IReadOnlyDictionary<string, RoutePolicy> routes, YamlNodeReader r)
    {
        if (!routes.TryGetValue(route, out var target))
        {
            r.Error(path, $"'require-approval' sends {what} to route '{route}', which does not exist");
            return false;
        }

        if (target.Action != RouteAction.Approve)
        {
            r.Error(path, $"'require-approval' needs an approve route, but '{route}' is '{target.Action.ToString().ToLowerInvariant()}'");
            return false;
        }

        return true;
    }

    private static bool Uses(GuardrailPolicy policy, GuardrailAction action) =>
        DetectorRegistry.Ids.Any(id => policy.ActionFor(id) == action);

    private static Dictionary<string, GuardrailAction> ReadDetectors(Dictionary<string, YamlNode> map, string path, YamlNodeReader r, ref bool valid)
    {
        var detectors = new Dictionary<string, GuardrailAction>(StringComparer.Ordinal);
        if (Optional(map, "detectors") is not { } node)
        {
            return detectors;
        }

        var detectorsPath = Join(path, "detectors");
        if (node is not YamlMappingNode entries)
        {
            r.Error(detectorsPath, "expected a mapping of detector id to redact, block, require-approval or allow");
            valid = false;
            return detectors;
        }

        foreach (var (keyNode, value) in entries.Children)
        {
            var id = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var entryPath = Join(detectorsPath, id);
            if (!DetectorRegistry.IsKnown(id))
            {
                r.Error(entryPath, $"unknown detector '{id}'; expected one of: {string.Join(", ", DetectorRegistry.Ids)}");
                valid = false;
                continue;
            }

            if (r.Enum(value, entryPath, "guardrail action", GuardrailNames.Actions) is { } action)
            {
                detectors[id] = action;
            }
            else
            {
                valid = false;
            }
        }

        return detectors;
    }

    private static GuardrailAction? ReadAction(Dictionary<string, YamlNode> map, string key, string path, YamlNodeReader r, ref bool valid)
    {
        if (Optional(map, key) is not { } node)
        {
            return null;
        }

        var action = r.Enum(node, Join(path, key), "guardrail action", GuardrailNames.Actions);
        valid &= action is not null;
        return action;
    }

    private static ResponseAction? ReadResponse(Dictionary<string, YamlNode> map, string path, YamlNodeReader r, ref bool valid)
    {
        if (Optional(map, "response") is not { } node)
        {
            return null;
        }

        var action = r.Enum(node, Join(path, "response"), "response action", GuardrailNames.ResponseActions);
        valid &= action is not null;
        return action;
    }
}
