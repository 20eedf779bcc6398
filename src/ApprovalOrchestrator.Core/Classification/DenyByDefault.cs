using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Deny by default, applied after the rules: a tool (or tool action) or agent the definition does not declare
/// (<see cref="AccessPolicy"/>) adds a match with a readable reason and sends the request to the definition's
/// <c>unknownTool</c> / <c>unknownAgent</c> route unless the rules already reached something at least as strict. It
/// never lets such a request execute: a rule winner on an execute route is overridden. Chat requests (no tool) are
/// checked only for the agent. Pure and deterministic: names compare ordinally, exactly as written.
/// </summary>
internal static class DenyByDefault
{
    public const string ToolRuleId = AccessReader.ReservedRulePrefix + "tool";
    public const string AgentRuleId = AccessReader.ReservedRulePrefix + "agent";

    public static ClassificationResult Apply(ClassificationResult ruled, PolicyInput input, WorkflowDefinition definition, DefinitionRef reference)
    {
        var findings = Findings(input, definition, reference);
        if (findings.Count == 0)
        {
            return ruled;
        }

        // The strictest finding: higher risk first, a block route before an approve route; the tool check before the agent's.
        var strongest = findings
            .OrderByDescending(f => f.Risk)
            .ThenByDescending(f => definition.RouteFor(f.Route).Action == RouteAction.Block)
            .First();
        var ruledRoute = definition.RouteFor(ruled.Route);
        var strongestRoute = definition.RouteFor(strongest.Route);
        var denyWins = ruledRoute.Action == RouteAction.Execute
            || strongest.Risk > ruled.Risk
            || (strongestRoute.Action == RouteAction.Block && ruledRoute.Action != RouteAction.Block);
        var denyMatches = findings.OrderBy(f => ReferenceEquals(f, strongest) ? 0 : 1).Select(f => f.Match);
        if (!denyWins)
        {
            // The rules' winner stays first; the undeclared use is still listed so reviewers see it.
            return ruled with { Matches = ruled.Matches.Take(1).Concat(denyMatches).Concat(ruled.Matches.Skip(1)).ToArray() };
        }

        return new ClassificationResult(
            strongest.Risk,
            strongest.Category,
            1.0,
            $"{char.ToUpperInvariant(strongest.Why[0])}{strongest.Why[1..]}; undeclared {(strongest.Match.RuleId == ToolRuleId ? "tools" : "agents")} go to route '{strongest.Route}'.",
            strongest.Route,
            denyMatches.Concat(ruled.Matches).ToArray(),
            reference,
            ruled.Warnings);
    }

    private static List<Finding> Findings(PolicyInput input, WorkflowDefinition definition, DefinitionRef reference)
    {
        var findings = new List<Finding>();
        var by = $"by definition '{reference.Id}' v{reference.Version}";
        if (input.ToolName is { } tool)
        {
            string? why = null;
            if (!definition.Access.Tools.TryGetValue(tool, out var declared))
            {
                why = $"tool '{tool}' is not declared {by}";
            }
            else if (!declared.Allows(input.ToolAction))
            {
                why = input.ToolAction is null
                    ? $"tool '{tool}' without an action is not declared {by} (it declares only actions {string.Join(", ", declared.Actions!)})"
                    : $"tool '{tool}' action '{input.ToolAction}' is not declared {by}";
            }

            if (why is not null)
            {
                findings.Add(new Finding(ToolRuleId, definition.Access.UnknownToolRoute, "undeclared_tool", why));
            }
        }

        if (!definition.KnowsAgent(input.AgentId))
        {
            findings.Add(new Finding(AgentRuleId, definition.Access.UnknownAgentRoute, "undeclared_agent", $"agent '{input.AgentId}' is not declared {by}"));
        }

        return findings;
    }

    private sealed record Finding(string RuleId, string Route, string Category, string Why)
    {
        public RiskLevel Risk { get; } = AccessPolicy.RiskOfRoute(Route);

        public RuleMatch Match { get; } = new(RuleId, AccessPolicy.RiskOfRoute(Route), [], [Why]);
    }
}
