using ApprovalOrchestrator.Core.Definitions.Rules;
using ApprovalOrchestrator.Core.Guardrails;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// A parsed, validated workflow definition: how requests are classified and what each risk leads to.
/// Immutable once published; <see cref="DefinitionRef"/> identifies one published version.
/// <see cref="Access"/> declares the tools and agents that may run without approval (deny by default).
/// <see cref="Guardrails"/> says what the detectors' findings lead to (null: no <c>guardrails</c> section, nothing is
/// scanned or redacted). <see cref="Budgets"/> limits each agent's requests, tool calls and tokens (null: no <c>budgets</c>
/// section, nothing is counted).
/// </summary>
public sealed record WorkflowDefinition(
    string Id,
    string Name,
    string? Description,
    ClassificationPolicy Classification,
    IReadOnlyDictionary<string, RoutePolicy> Routes,
    ExecutionPolicy Execution,
    AccessPolicy Access,
    GuardrailPolicy? Guardrails = null,
    Budgets.BudgetPolicy? Budgets = null)
{
    /// <summary>The route a classification leads to: the winning rule's explicit route, else the route named after the risk.</summary>
    public RoutePolicy RouteFor(string routeName) =>
        Routes.TryGetValue(routeName, out var route)
            ? route
            : throw new InvalidOperationException($"Definition '{Id}' has no route '{routeName}'.");

    /// <summary>The agents the definition knows: those it declares, and always its own execution agent.</summary>
    public bool KnowsAgent(string agentId) =>
        string.Equals(agentId, Execution.DefaultAgentId, StringComparison.Ordinal) || Access.Agents.Contains(agentId, StringComparer.Ordinal);
}

/// <summary>
/// The outcome when no rule matches, the ordered rules, and the least risk of a request with a word that mixes scripts
/// (<see cref="MixedScriptAction"/>; amber unless the definition says otherwise).
/// </summary>
public sealed record ClassificationPolicy(
    ClassificationDefault Default,
    IReadOnlyList<ClassificationRule> Rules,
    MixedScriptAction OnMixedScript = MixedScriptAction.Amber);

public sealed record ClassificationDefault(RiskLevel Risk, string Category, double Confidence, string Reason);

/// <summary>
/// A rule matches when its <see cref="Condition"/> holds. The <c>terms</c> shorthand (<see cref="Terms"/>, no
/// <see cref="When"/>) means "any of these terms occurs as whole words or inflections"; a <c>when</c> rule has
/// <see cref="When"/> and empty <see cref="Terms"/>.
/// <see cref="Route"/> overrides the risk's own route (e.g. a red rule that blocks outright).
/// </summary>
public sealed record ClassificationRule(
    string Id,
    RiskLevel Risk,
    string Category,
    double Confidence,
    string Reason,
    IReadOnlyList<string> Terms,
    string? Route = null,
    RuleCondition? When = null)
{
    /// <summary>What the rule tests: <see cref="When"/>, else the terms shorthand.</summary>
    public RuleCondition Condition => When ?? new TermsCondition(Terms);
}

public enum RouteAction
{
    Execute,
    Approve,
    Block,
}

public enum ExpiryAction
{
    Reject,
}

/// <summary>When rejections close a task: at the first one (<c>any</c>), or once a majority of the quorum rejected.</summary>
public enum RejectPolicy
{
    Any,
    Majority,
}

/// <summary>
/// What a classification leads to. Approve routes have one or more escalation tiers.
/// <see cref="Gateway"/> overrides <see cref="ExecutionPolicy"/> for requests that execute through this route.
/// </summary>
public sealed record RoutePolicy(
    string Name,
    RouteAction Action,
    IReadOnlyList<ApprovalTier> Tiers,
    ExpiryAction OnExpiry = ExpiryAction.Reject,
    RejectPolicy RejectPolicy = RejectPolicy.Any,
    RouteGateway? Gateway = null,
    GuardrailOverride? Guardrails = null);

public enum GatewayMode
{
    Chat,
    Tool,
}

/// <summary>
/// Per-route Gateway options; each unset value falls back to the definition's <see cref="ExecutionPolicy"/> (agent, timeout)
/// or to the request itself (mode: tool when the request names a tool, else chat). <see cref="Model"/> is the backend
/// provider/model sent as the Gateway's <c>x-openclaw-model</c> header on chat calls (unset: the agent's own model).
/// </summary>
public sealed record RouteGateway(string? AgentId, GatewayMode? Mode, TimeSpan? Timeout, string? Model = null);

/// <summary>One escalation tier: who must approve, how many distinct people, and how long they have before the next tier.</summary>
public sealed record ApprovalTier(string Group, int RequiredApprovals, TimeSpan Timeout);

/// <summary>How an approved request is carried out through the Gateway.</summary>
public sealed record ExecutionPolicy(string DefaultAgentId, TimeSpan Timeout);

/// <summary>Identifies one published version of a definition; stamped on every decision and audit event.</summary>
public sealed record DefinitionRef(string Id, int Version, string Hash);
