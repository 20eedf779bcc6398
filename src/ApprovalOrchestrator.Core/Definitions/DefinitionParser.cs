using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static ApprovalOrchestrator.Core.Definitions.YamlNodeReader;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Parses a workflow definition from YAML (or JSON, which is valid YAML) and validates it,
/// reporting every error at once with its path so an author can fix a file in one go.
/// </summary>
public static class DefinitionParser
{
    /// <summary>The risk levels every definition must route; also the names of their default routes.</summary>
    public static readonly IReadOnlyList<RiskLevel> RiskLevels = [RiskLevel.Green, RiskLevel.Amber, RiskLevel.Red];

    private static readonly Dictionary<string, RiskLevel> RiskNames =
        RiskLevels.ToDictionary(Classifier.RouteName, r => r, StringComparer.Ordinal);

    private static readonly Dictionary<string, RouteAction> ActionNames = new(StringComparer.Ordinal)
    {
        ["execute"] = RouteAction.Execute,
        ["approve"] = RouteAction.Approve,
        ["block"] = RouteAction.Block,
    };

    private static readonly Dictionary<string, ExpiryAction> ExpiryNames = new(StringComparer.Ordinal)
    {
        ["reject"] = ExpiryAction.Reject,
    };

    private static readonly Dictionary<string, RejectPolicy> RejectPolicyNames = new(StringComparer.Ordinal)
    {
        ["any"] = RejectPolicy.Any,
        ["majority"] = RejectPolicy.Majority,
    };

    private static readonly Dictionary<string, GatewayMode> GatewayModes = new(StringComparer.Ordinal)
    {
        ["chat"] = GatewayMode.Chat,
        ["tool"] = GatewayMode.Tool,
    };

    /// <summary>
    /// Parses and validates <paramref name="source"/>. With <paramref name="knownGroups"/>, every approver and requester group
    /// must be one of them; with <paramref name="groupSizes"/>, no tier may require more approvals than its group has members.
    /// Null skips that check (stored versions are re-read without them: a directory change must not unpublish history).
    /// </summary>
    public static DefinitionParseResult Parse(string source, IReadOnlySet<string>? knownGroups = null, IReadOnlyDictionary<string, int>? groupSizes = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var hash = DefinitionHash.Compute(source);
        var reader = new YamlNodeReader(new GroupDirectory(knownGroups, groupSizes));

        // Before any node tree is built: a bomb must cost no more than reading its bytes.
        if (YamlBudget.Check(source.TrimStart('\uFEFF')) is { } overBudget)
        {
            reader.Refuse(overBudget.Path, overBudget.Message);
            return new DefinitionParseResult(null, reader.Errors, hash, isRefused: true);
        }

        YamlNode? root = null;
        try
        {
            var stream = new YamlStream();
            // A BOM (editors on Windows add one) is not content; YamlDotNet would read it as the start of a scalar.
            stream.Load(new StringReader(source.TrimStart('\uFEFF')));
            if (stream.Documents.Count > 1)
            {
                reader.Error(string.Empty, "expected a single YAML document");
            }

            root = stream.Documents.FirstOrDefault()?.RootNode;
        }
        catch (YamlException ex)
        {
            reader.Error(string.Empty, $"invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {(ex.InnerException ?? ex).Message}");
            return new DefinitionParseResult(null, reader.Errors, hash);
        }

        if (root is null)
        {
            reader.Error(string.Empty, "the definition is empty");
            return new DefinitionParseResult(null, reader.Errors, hash);
        }

        var definition = ReadDefinition(root, reader);
        return new DefinitionParseResult(definition, reader.Errors, hash, reader.Warnings, reader.Refused);
    }

    private static WorkflowDefinition? ReadDefinition(YamlNode root, YamlNodeReader r)
    {
        var map = r.Mapping(root, string.Empty, ["id", "name", "description", "classification", "routes", "execution", .. AccessReader.Keys, GuardrailsReader.Key, BudgetsReader.Key]);
        if (map is null)
        {
            return null;
        }

        var id = r.RequiredString(map, "id", string.Empty);
        var name = r.RequiredString(map, "name", string.Empty);
        var description = r.String(Optional(map, "description"), "description");
        // Route names come straight from the source so rule routes are checked even when a route itself is invalid.
        var routeNames = RouteNames(Optional(map, "routes"));
        var classification = r.Required(map, "classification", string.Empty) is { } c ? ReadClassification(c, routeNames, r) : null;
        var routes = r.Required(map, "routes", string.Empty) is { } rt ? ReadRoutes(rt, r) : null;
        var execution = r.Required(map, "execution", string.Empty) is { } e ? ReadExecution(e, r) : null;
        var access = AccessReader.Read(map, routeNames, routes, r);
        var guardrailsValid = true;
        var guardrailsNode = Optional(map, GuardrailsReader.Key);
        var guardrails = guardrailsNode is null ? null : GuardrailsReader.ReadTop(guardrailsNode, r, ref guardrailsValid);
        if (routes is not null)
        {
            guardrailsValid &= GuardrailsReader.Check(guardrails, guardrailsNode is not null, routes, r);
        }

        var budgetsValid = true;
        var budgets = Optional(map, BudgetsReader.Key) is { } budgetsNode ? BudgetsReader.Read(budgetsNode, r, ref budgetsValid) : null;
        if (budgets is not null && routes is not null)
        {
            budgetsValid &= BudgetsReader.Check(budgets, routes, execution?.DefaultAgentId, access?.Agents ?? [], r);
        }

        return id is null || name is null || classification is null || routes is null || execution is null || access is null || !guardrailsValid || !budgetsValid
            ? null
            : new WorkflowDefinition(id, name, description, classification, routes, execution, access, guardrails, budgets);
    }

    private static HashSet<string> RouteNames(YamlNode? routes) =>
        (routes as YamlMappingNode)?.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty).ToHashSet(StringComparer.Ordinal)
        ?? new HashSet<string>(StringComparer.Ordinal);

    private static ClassificationPolicy? ReadClassification(YamlNode node, IReadOnlySet<string> routeNames, YamlNodeReader r)
    {
        const string path = "classification";
        var map = r.Mapping(node, path, "default", "rules", "onMixedScript");
        if (map is null)
        {
            return null;
        }

        var fallback = r.Required(map, "default", path) is { } d ? ReadDefault(d, Join(path, "default"), r) : null;
        var rules = new List<ClassificationRule>();
        var placed = new List<(ClassificationRule Rule, string Path)>();
        var terms = new List<(string Term, string Path, RiskLevel Risk)>();
        if (Optional(map, "rules") is { } rulesNode && r.Sequence(rulesNode, Join(path, "rules")) is { } items)
        {
            var seenIds = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                var rulePath = $"{path}.rules[{i}]";
                // Duplicates are found from the raw id, so they are reported even when one of the rules has other errors.
                if (RawId(items[i]) is { } rawId && !seenIds.Add(rawId))
                {
                    r.Error(Join(rulePath, "id"), $"duplicate rule id '{rawId}'");
                }

                var ruleTerms = new List<(string Term, string Path)>();
                if (ReadRule(items[i], rulePath, routeNames, r, ruleTerms) is not { } rule)
                {
                    continue;
                }

                rules.Add(rule);
                placed.Add((rule, rulePath));
                terms.AddRange(ruleTerms.Select(t => (t.Term, t.Path, rule.Risk)));
            }
        }

        RuleLints.WarnTermsUnderTwoRisks(terms, r);
        RuleLints.WarnShadowedRules(placed, r);

        var mixedScriptNode = Optional(map, "onMixedScript");
        var mixedScript = r.Enum(mixedScriptNode, Join(path, "onMixedScript"), "mixed-script action", MixedScript.Names);
        if (mixedScriptNode is not null && mixedScript is null)
        {
            return null;
        }

        return fallback is null ? null : new ClassificationPolicy(fallback, rules, mixedScript ?? MixedScriptAction.Amber);
    }

    private static string? RawId(YamlNode rule) =>
        rule is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("id"), out var id) && id is YamlScalarNode { Value: { Length: > 0 } value }
            ? value
            : null;

    private static ClassificationDefault? ReadDefault(YamlNode node, string path, YamlNodeReader r)
    {
        var map = r.Mapping(node, path, "risk", "category", "confidence", "reason");
        if (map is null)
        {
            return null;
        }

        var risk = ReadRisk(map, path, r);
        var category = r.RequiredString(map, "category", path);
        var confidence = ReadConfidence(map, path, r);
        var reason = r.RequiredString(map, "reason", path);
        return risk is null || category is null || confidence is null || reason is null
            ? null
            : new ClassificationDefault(risk.Value, category, confidence.Value, reason);
    }

    private static ClassificationRule? ReadRule(YamlNode node, string path, IReadOnlySet<string> routeNames, YamlNodeReader r, List<(string Term, string Path)> termSink)
    {
        var map = r.Mapping(node, path, "id", "risk", "category", "confidence", "reason", "terms", "when", "route");
        if (map is null)
        {
            return null;
        }

        var id = r.RequiredString(map, "id", path);
        var risk = ReadRisk(map, path, r);
        var category = r.RequiredString(map, "category", path);
        var confidence = ReadConfidence(map, path, r);
        var reason = r.RequiredString(map, "reason", path);
        // A rule tests either the terms shorthand (any term matches) or a 'when' condition.
        var termsNode = Optional(map, "terms");
        var whenNode = Optional(map, "when");
        List<string>? terms = null;
        RuleCondition? when = null;
        var conditionValid = false;
        if (termsNode is not null && whenNode is not null)
        {
            r.Error(Join(path, "when"), "give either 'terms' or 'when', not both (put the terms inside 'when')");
        }
        else if (whenNode is not null)
        {
            when = ConditionReader.Read(whenNode, Join(path, "when"), r, termSink);
            conditionValid = when is not null;
        }
        else if (termsNode is not null)
        {
            terms = ReadTerms(termsNode, Join(path, "terms"), r);
            termSink.AddRange((terms ?? []).Select((t, i) => (t, $"{path}.terms[{i}]")));
            conditionValid = terms is not null;
        }
        else
        {
            r.Error(Join(path, "terms"), "is required (or give a 'when' condition)");
        }

        var route = r.String(Optional(map, "route"), Join(path, "route"));
        if (route is not null && !routeNames.Contains(route))
        {
            r.Error(Join(path, "route"), $"no route named '{route}'");
            route = null;
        }
        return id is null || risk is null || category is null || confidence is null || reason is null || !conditionValid
            ? null
            : new ClassificationRule(id, risk.Value, category, confidence.Value, reason, terms ?? [], route, when);
    }

    internal static List<string>? ReadTerms(YamlNode node, string path, YamlNodeReader r)
    {
        if (r.Sequence(node, path) is not { } items)
        {
            return null;
        }

        if (items.Count == 0)
        {
            r.Error(path, "needs at least one term");
            return null;
        }

        var terms = new List<string>();
        var valid = true;
        for (var i = 0; i < items.Count; i++)
        {
            var term = r.String(items[i], $"{path}[{i}]");
            // A term of only punctuation would never match anything: almost certainly a typo.
            if (term is not null && WordTokenizer.Tokenize(TextNormalizer.Normalize(term)).Count == 0)
            {
                r.Error($"{path}[{i}]", $"term '{term}' contains no letters or digits");
                term = null;
            }

            valid &= term is not null;
            if (term is not null)
            {
                terms.Add(term);
            }
        }

        return valid ? terms : null;
    }

    private static Dictionary<string, RoutePolicy>? ReadRoutes(YamlNode node, YamlNodeReader r)
    {
        const string path = "routes";
        if (node is not YamlMappingNode map)
        {
            r.Error(path, "expected a mapping of route name to route");
            return null;
        }

        var routes = new Dictionary<string, RoutePolicy>(StringComparer.Ordinal);
        var valid = true;
        foreach (var (keyNode, value) in map.Children)
        {
            if ((keyNode as YamlScalarNode)?.Value is not { Length: > 0 } name)
            {
                r.Error(path, "route names must be plain strings");
                valid = false;
                continue;
            }

            if (ReadRoute(name, value, Join(path, name), r) is { } route)
            {
                routes[name] = route;
            }
            else
            {
                valid = false;
            }
        }

        var names = RouteNames(map);
        foreach (var risk in RiskLevels.Select(Classifier.RouteName).Where(n => !names.Contains(n)))
        {
            r.Error(Join(path, risk), $"risk level '{risk}' needs a route named '{risk}'");
            valid = false;
        }

        return valid ? routes : null;
    }

    private static RoutePolicy? ReadRoute(string name, YamlNode node, string path, YamlNodeReader r)
    {
        var map = r.Mapping(node, path, "action", "tiers", "onExpiry", "rejectPolicy", "gateway", GuardrailsReader.Key);
        if (map is null)
        {
            return null;
        }

        var action = r.Enum(r.Required(map, "action", path), Join(path, "action"), "route action", ActionNames);
        var onExpiry = r.Enum(Optional(map, "onExpiry"), Join(path, "onExpiry"), "expiry action", ExpiryNames) ?? ExpiryAction.Reject;
        var rejectPolicy = r.Enum(Optional(map, "rejectPolicy"), Join(path, "rejectPolicy"), "reject policy", RejectPolicyNames) ?? RejectPolicy.Any;
        var tiersNode = Optional(map, "tiers");
        var tiersPath = Join(path, "tiers");
        var tiers = tiersNode is null ? [] : ReadTiers(tiersNode, tiersPath, r);

        if (action == RouteAction.Approve && tiers is { Count: 0 })
        {
            r.Error(tiersPath, "an approve route needs at least one tier");
            return null;
        }

        if (action is RouteAction.Execute or RouteAction.Block && tiers is { Count: > 0 })
        {
            r.Error(tiersPath, $"tiers apply only to approve routes, not '{action.Value.ToString().ToLowerInvariant()}'");
            return null;
        }

        RouteGateway? gateway = null;
        var gatewayValid = true;
        if (Optional(map, "gateway") is { } gatewayNode)
        {
            gateway = ReadGateway(gatewayNode, Join(path, "gateway"), r);
            gatewayValid = gateway is not null;
            if (action == RouteAction.Block)
            {
                r.Error(Join(path, "gateway"), "a block route never calls the Gateway");
                gatewayValid = false;
            }
        }

        Guardrails.GuardrailOverride? guardrails = null;
        var guardrailsValid = true;
        if (Optional(map, GuardrailsReader.Key) is { } guardrailsNode)
        {
            guardrails = GuardrailsReader.ReadRoute(guardrailsNode, Join(path, GuardrailsReader.Key), r);
            guardrailsValid = guardrails is not null;
            if (action == RouteAction.Block)
            {
                r.Error(Join(path, GuardrailsReader.Key), "a block route never sends anything; its guardrails would never apply");
                guardrailsValid = false;
            }
        }

        return action is null || tiers is null || !gatewayValid || !guardrailsValid ? null : new RoutePolicy(name, action.Value, tiers, onExpiry, rejectPolicy, gateway, guardrails);
    }

    private static List<ApprovalTier>? ReadTiers(YamlNode node, string path, YamlNodeReader r)
    {
        if (r.Sequence(node, path) is not { } items)
        {
            return null;
        }

        var tiers = new List<ApprovalTier>();
        var valid = true;
        for (var i = 0; i < items.Count; i++)
        {
            var tierPath = $"{path}[{i}]";
            var map = r.Mapping(items[i], tierPath, "group", "requiredApprovals", "timeout");
            if (map is null)
            {
                valid = false;
                continue;
            }

            var group = r.RequiredString(map, "group", tierPath);
            var required = r.Int(r.Required(map, "requiredApprovals", tierPath), Join(tierPath, "requiredApprovals"));
            if (required < 1)
            {
                r.Error(Join(tierPath, "requiredApprovals"), "must be at least 1");
                required = null;
            }

            var timeout = r.Duration(r.Required(map, "timeout", tierPath), Join(tierPath, "timeout"));
            if (group is not null && r.Groups.IsUnknown(group))
            {
                r.Error(Join(tierPath, "group"), $"unknown group '{group}'");
                group = null;
            }

            if (group is not null && required is { } n && r.Groups.SizeOf(group) is { } size && n > size)
            {
                r.Error(Join(tierPath, "requiredApprovals"), $"requires {n} approvals but group '{group}' has only {size} member(s)");
                required = null;
            }

            if (group is null || required is null || timeout is null)
            {
                valid = false;
                continue;
            }

            tiers.Add(new ApprovalTier(group, required.Value, timeout.Value));
        }

        return valid ? tiers : null;
    }

    private static RouteGateway? ReadGateway(YamlNode node, string path, YamlNodeReader r)
    {
        var map = r.Mapping(node, path, "agentId", "mode", "timeout", "model");
        if (map is null)
        {
            return null;
        }

        var modelNode = Optional(map, "model");
        var model = r.String(modelNode, Join(path, "model"));
        // Sent as an HTTP header: a provider/model reference, nothing that could end the header or start another.
        if (model is not null && !System.Text.RegularExpressions.Regex.IsMatch(model, "^[A-Za-z0-9._:/@+-]{1,200}$"))
        {
            r.Error(Join(path, "model"), "a backend model must be 1-200 characters of letters, digits and . _ : / @ + - (e.g. openai/gpt-5)");
            model = null;
        }

        var agentNode = Optional(map, "agentId");
        var agentId = r.String(agentNode, Join(path, "agentId"));
        var modeNode = Optional(map, "mode");
        var mode = r.Enum(modeNode, Join(path, "mode"), "gateway mode", GatewayModes);
        var timeoutNode = Optional(map, "timeout");
        var timeout = r.Duration(timeoutNode, Join(path, "timeout"));
        return (agentNode is not null && agentId is null) || (modeNode is not null && mode is null) || (timeoutNode is not null && timeout is null) || (modelNode is not null && model is null)
            ? null
            : new RouteGateway(agentId, mode, timeout, model);
    }

    private static ExecutionPolicy? ReadExecution(YamlNode node, YamlNodeReader r)
    {
        const string path = "execution";
        var map = r.Mapping(node, path, "agentId", "timeout");
        if (map is null)
        {
            return null;
        }

        var agentId = r.RequiredString(map, "agentId", path);
        var timeout = r.Duration(r.Required(map, "timeout", path), Join(path, "timeout"));
        return agentId is null || timeout is null ? null : new ExecutionPolicy(agentId, timeout.Value);
    }

    private static RiskLevel? ReadRisk(Dictionary<string, YamlNode> map, string path, YamlNodeReader r) =>
        r.Enum(r.Required(map, "risk", path), Join(path, "risk"), "risk", RiskNames);

    private static double? ReadConfidence(Dictionary<string, YamlNode> map, string path, YamlNodeReader r)
    {
        var confidencePath = Join(path, "confidence");
        var value = r.Double(r.Required(map, "confidence", path), confidencePath);
        if (value is { } v && !(v >= 0 && v <= 1))
        {
            r.Error(confidencePath, $"{v} is outside 0..1");
            return null;
        }

        return value;
    }
}
