using System.Globalization;
using ApprovalOrchestrator.Core.Budgets;
using YamlDotNet.RepresentationModel;
using static ApprovalOrchestrator.Core.Definitions.YamlNodeReader;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Reads <c>budgets</c>: <c>default</c> limits for every agent, <c>agents</c> (overrides per agent id, laid over the default
/// field by field) and <c>approvalRoute</c>. Limits are whole numbers of zero or more; when any agent's limits can end in
/// <c>require-approval</c> (the default action), the approval route must be an approve route of this definition.
/// </summary>
internal static class BudgetsReader
{
    public const string Key = "budgets";

    private static readonly string[] TopKeys = ["default", "agents", "approvalRoute"];
    private static readonly string[] LimitKeys = [BudgetNames.RequestsPerMinute, BudgetNames.ToolCallsPerDay, BudgetNames.TokensPerDay, "onExceeded"];

    public static BudgetPolicy? Read(YamlNode node, YamlNodeReader r, ref bool valid)
    {
        var map = r.Mapping(node, Key, TopKeys);
        if (map is null)
        {
            valid = false;
            return null;
        }

        var fallback = Optional(map, "default") is { } d ? ReadLimits(d, Join(Key, "default"), r, ref valid) : BudgetLimits.None;
        var agents = new Dictionary<string, BudgetLimits>(StringComparer.Ordinal);
        if (Optional(map, "agents") is { } agentsNode)
        {
            var agentsPath = Join(Key, "agents");
            if (agentsNode is not YamlMappingNode entries)
            {
                r.Error(agentsPath, "expected a mapping of agent id to limits");
                valid = false;
            }
            else
            {
                foreach (var (keyNode, value) in entries.Children)
                {
                    var id = (keyNode as YamlScalarNode)?.Value;
                    if (string.IsNullOrWhiteSpace(id))
                    {
                        r.Error(agentsPath, "agent ids must be plain, non-empty strings");
                        valid = false;
                        continue;
                    }

                    agents[id] = ReadLimits(value, Join(agentsPath, id), r, ref valid);
                }
            }
        }

        var approvalRoute = r.String(Optional(map, "approvalRoute"), Join(Key, "approvalRoute")) ?? Guardrails.GuardrailPolicy.DefaultApprovalRoute;
        return valid ? new BudgetPolicy(fallback, agents, approvalRoute) : null;
    }

    /// <summary>Checks that need the routes and agents: the approval route, and overrides for agents the definition does not know.</summary>
    public static bool Check(BudgetPolicy policy, IReadOnlyDictionary<string, RoutePolicy> routes, string? executionAgent, IReadOnlyList<string> knownAgents, YamlNodeReader r)
    {
        var valid = true;
        var limits = policy.Agents.Keys.Select(policy.LimitsFor).Append(policy.Default);
        if (limits.Any(l => !l.IsEmpty && (l.OnExceeded ?? BudgetPolicy.DefaultAction) == BudgetAction.RequireApproval))
        {
            valid &= GuardrailsReader.CheckApprovalRoute(Join(Key, "approvalRoute"), policy.ApprovalRoute, "requests over budget", routes, r);
        }

        foreach (var agent in policy.Agents.Keys.Where(a => a != executionAgent && !knownAgents.Contains(a, StringComparer.Ordinal)))
        {
            r.Warning(Join(Join(Key, "agents"), agent), $"agent '{agent}' is neither execution.agentId nor in 'agents': its requests go to 'unknownAgent' as well");
        }

        return valid;
    }

    private static BudgetLimits ReadLimits(YamlNode node, string path, YamlNodeReader r, ref bool valid)
    {
        var map = r.Mapping(node, path, LimitKeys);
        if (map is null)
        {
            valid = false;
            return BudgetLimits.None;
        }

        var perMinute = Count(map, BudgetNames.RequestsPerMinute, path, r, ref valid);
        var toolCalls = Count(map, BudgetNames.ToolCallsPerDay, path, r, ref valid);
        var tokens = Count(map, BudgetNames.TokensPerDay, path, r, ref valid);
        BudgetAction? action = null;
        if (Optional(map, "onExceeded") is { } a)
        {
            action = r.Enum(a, Join(path, "onExceeded"), "budget action", BudgetNames.Actions);
            valid &= action is not null;
        }

        return new BudgetLimits(perMinute, toolCalls, tokens, action);
    }

    private static long? Count(Dictionary<string, YamlNode> map, string key, string path, YamlNodeReader r, ref bool valid)
    {
        var fieldPath = Join(path, key);
        var text = r.String(Optional(map, key), fieldPath);
        if (text is null)
        {
            valid &= Optional(map, key) is null;
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            r.Error(fieldPath, $"'{text}' is not a whole number of zero or more");
            valid = false;
            return null;
        }

        return value;
    }
}
