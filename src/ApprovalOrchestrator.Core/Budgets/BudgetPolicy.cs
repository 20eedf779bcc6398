namespace ApprovalOrchestrator.Core.Budgets;

/// <summary>What happens to a request whose agent is over one of its limits.</summary>
public enum BudgetAction
{
    /// <summary>To people first: a request whose route would execute goes to the approval route.</summary>
    RequireApproval,

    /// <summary>Rejected at classification; nothing reaches the Gateway.</summary>
    Reject,
}

/// <summary>
/// One agent's limits (or the default's, or an override's): null means no limit of that kind (or, in an override,
/// "as the default says"). Zero is a limit: nothing of that kind is allowed.
/// </summary>
public sealed record BudgetLimits(long? RequestsPerMinute, long? ToolCallsPerDay, long? TokensPerDay, BudgetAction? OnExceeded)
{
    public static readonly BudgetLimits None = new(null, null, null, null);

    public bool IsEmpty => RequestsPerMinute is null && ToolCallsPerDay is null && TokensPerDay is null;

    /// <summary>This override laid over <paramref name="fallback"/>, field by field.</summary>
    public BudgetLimits Over(BudgetLimits fallback) => new(
        RequestsPerMinute ?? fallback.RequestsPerMinute,
        ToolCallsPerDay ?? fallback.ToolCallsPerDay,
        TokensPerDay ?? fallback.TokensPerDay,
        OnExceeded ?? fallback.OnExceeded);
}

/// <summary>
/// A definition's <c>budgets</c>: limits for every agent (<see cref="Default"/>), per-agent overrides laid over it field by
/// field, and the approve route <c>require-approval</c> sends requests to. Counters are per agent id (the request's
/// <c>agentId</c>), kept only for agents under definitions that have a <c>budgets</c> section.
/// </summary>
public sealed record BudgetPolicy(BudgetLimits Default, IReadOnlyDictionary<string, BudgetLimits> Agents, string ApprovalRoute)
{
    /// <summary>Without <c>onExceeded</c>, an agent over a limit goes to people rather than being refused outright.</summary>
    public const BudgetAction DefaultAction = BudgetAction.RequireApproval;

    /// <summary>The limits that apply to <paramref name="agentId"/>: its override over the default.</summary>
    public BudgetLimits LimitsFor(string agentId) =>
        Agents.TryGetValue(agentId, out var own) ? own.Over(Default) : Default;
}

/// <summary>The wire names of budgets: the limit keys, the counter metrics they read, and the actions.</summary>
public static class BudgetNames
{
    public const string RequestsPerMinute = "requestsPerMinute";
    public const string ToolCallsPerDay = "toolCallsPerDay";
    public const string TokensPerDay = "tokensPerDay";

    /// <summary>Counter metrics as stored: requests count per UTC minute, tool calls and tokens per UTC day.</summary>
    public const string Requests = "requests";
    public const string ToolCalls = "tool-calls";
    public const string Tokens = "tokens";

    public static readonly IReadOnlyDictionary<string, BudgetAction> Actions = new Dictionary<string, BudgetAction>(StringComparer.Ordinal)
    {
        ["require-approval"] = BudgetAction.RequireApproval,
        ["reject"] = BudgetAction.Reject,
    };

    public static string Of(BudgetAction action) => action == BudgetAction.Reject ? "reject" : "require-approval";
}
