using YamlDotNet.RepresentationModel;
using static ApprovalOrchestrator.Core.Definitions.YamlNodeReader;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Reads the deny-by-default declarations: top-level <c>tools</c>, <c>agents</c>, <c>unknownTool</c> and
/// <c>unknownAgent</c>. Names must be identifiers as intake accepts them (anything else could never match a request,
/// which is almost certainly a mistake), and the unknown-* routes must exist and must not execute.
/// </summary>
internal static class AccessReader
{
    /// <summary>The top-level keys this reader owns.</summary>
    public static readonly string[] Keys = ["tools", "agents", "unknownTool", "unknownAgent"];

    /// <summary>Rule ids with this prefix are reserved for the deny-by-default matches.</summary>
    public const string ReservedRulePrefix = "deny-by-default/";

    /// <param name="routes">The parsed routes, or null when they have errors (then only the route names are checked).</param>
    public static AccessPolicy? Read(Dictionary<string, YamlNode> root, IReadOnlySet<string> routeNames, IReadOnlyDictionary<string, RoutePolicy>? routes, YamlNodeReader r)
    {
        var valid = true;
        var tools = new Dictionary<string, ToolDeclaration>(StringComparer.Ordinal);
        if (Optional(root, "tools") is { } toolsNode)
        {
            valid &= ReadTools(toolsNode, tools, r);
        }

        var agents = new List<string>();
        if (Optional(root, "agents") is { } agentsNode)
        {
            valid &= ReadNames(agentsNode, "agents", "agent id", agents, r);
        }

        var unknownTool = ReadRoute(root, "unknownTool", routeNames, routes, r, ref valid);
        var unknownAgent = ReadRoute(root, "unknownAgent", routeNames, routes, r, ref valid);
        CheckReservedRuleIds(root, r);
        return valid ? new AccessPolicy(tools, agents, unknownTool, unknownAgent) : null;
    }

    private static bool ReadTools(YamlNode node, Dictionary<string, ToolDeclaration> into, YamlNodeReader r)
    {
        const string path = "tools";
        if (node is not YamlMappingNode map)
        {
            r.Error(path, "expected a mapping of tool name to { actions: [...] } (or {} for any action)");
            return false;
        }

        var valid = true;
        foreach (var (keyNode, value) in map.Children)
        {
            if ((keyNode as YamlScalarNode)?.Value is not { } name || !IsIdentifier(name))
            {
                r.Error(Join(path, (keyNode as YamlScalarNode)?.Value ?? "?"), "a tool name must be 1-64 characters of letters, digits, '.', '_' or '-' (as requests name tools)");
                valid = false;
                continue;
            }

            var toolPath = Join(path, name);
            if (value is YamlScalarNode scalar && IsNullScalar(scalar))
            {
                into[name] = new ToolDeclaration(name, null);
                continue;
            }

            var entries = r.Mapping(value, toolPath, "actions");
            if (entries is null)
            {
                valid = false;
                continue;
            }

            List<string>? actions = null;
            if (Optional(entries, "actions") is { } actionsNode)
            {
                actions = [];
                if (!ReadNames(actionsNode, Join(toolPath, "actions"), "action", actions, r))
                {
                    valid = false;
                    continue;
                }

                if (actions.Count == 0)
                {
                    r.Error(Join(toolPath, "actions"), "needs at least one action; omit 'actions' to allow any action");
                    valid = false;
                    continue;
                }
            }

            into[name] = new ToolDeclaration(name, actions);
        }

        return valid;
    }

    private static bool ReadNames(YamlNode node, string path, string what, List<string> into, YamlNodeReader r)
    {
        if (r.Sequence(node, path) is not { } items)
        {
            return false;
        }

        var valid = true;
        for (var i = 0; i < items.Count; i++)
        {
            var name = r.String(items[i], $"{path}[{i}]");
            if (name is not null && !IsIdentifier(name))
            {
                r.Error($"{path}[{i}]", $"{what} '{name}' must be 1-64 characters of letters, digits, '.', '_' or '-' (as requests name them)");
                name = null;
            }

            valid &= name is not null;
            if (name is not null && !into.Contains(name, StringComparer.Ordinal))
            {
                into.Add(name);
            }
        }

        return valid;
    }

    private static string ReadRoute(Dictionary<string, YamlNode> root, string key, IReadOnlySet<string> routeNames, IReadOnlyDictionary<string, RoutePolicy>? routes, YamlNodeReader r, ref bool valid)
    {
        var node = Optional(root, key);
        var name = node is null ? AccessPolicy.DefaultRoute : r.String(node, key);
        if (name is null)
        {
            valid = false;
            return AccessPolicy.DefaultRoute;
        }

        if (!routeNames.Contains(name))
        {
            // Only report the default when routes parsed: a missing 'amber' is reported under routes already.
            if (node is not null || routes is not null)
            {
                r.Error(key, $"no route named '{name}'");
            }

            valid = false;
        }
        else if (routes?.GetValueOrDefault(name) is { Action: RouteAction.Execute })
        {
            r.Error(key, $"route '{name}' executes without approval; undeclared {(key == "unknownTool" ? "tools" : "agents")} must go to an approve or block route");
            valid = false;
        }

        return name;
    }

    private static void CheckReservedRuleIds(Dictionary<string, YamlNode> root, YamlNodeReader r)
    {
        if (Optional(root, "classification") is not YamlMappingNode classification
            || !classification.Children.TryGetValue(new YamlScalarNode("rules"), out var rules) || rules is not YamlSequenceNode list)
        {
            return;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            if (list.Children[i] is YamlMappingNode rule && rule.Children.TryGetValue(new YamlScalarNode("id"), out var id)
                && id is YamlScalarNode { Value: { } value } && value.StartsWith(ReservedRulePrefix, StringComparison.Ordinal))
            {
                r.Error($"classification.rules[{i}].id", $"rule ids starting with '{ReservedRulePrefix}' are reserved for deny-by-default matches");
            }
        }
    }

    private static bool IsNullScalar(YamlScalarNode node) =>
        node.Style == YamlDotNet.Core.ScalarStyle.Plain && node.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static bool IsIdentifier(string value) => Intake.RequestValidator.IsIdentifier(value);
}
