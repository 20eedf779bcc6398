using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Budgets;

/// <summary>
/// The budgets step of classification, pure: (limits, the agent's counters, now) → within or over, and why; then what that
/// does to the classification. Each limit guards what it measures: <c>requestsPerMinute</c> every request (its counter
/// already includes this one, so the request that makes it limit + 1 is over), <c>toolCallsPerDay</c> tool requests and
/// <c>tokensPerDay</c> chat requests (over once the day's count has reached the limit: the next would go past it).
/// Counters of another window than the current one, and missing counters, count as zero.
/// </summary>
public static class BudgetEvaluator
{
    /// <summary>Null when the agent has no limits at all (nothing to record).</summary>
    public static BudgetOutcome? Evaluate(BudgetPolicy policy, string agentId, bool isToolCall, IEnumerable<BudgetCounter> counters, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(agentId);
        ArgumentNullException.ThrowIfNull(counters);
        var limits = policy.LimitsFor(agentId);
        if (limits.IsEmpty)
        {
            return null;
        }

        var current = counters.ToList();
        var uses = new List<BudgetUse>();
        var over = new List<BudgetUse>();
        Check(BudgetNames.RequestsPerMinute, BudgetNames.Requests, limits.RequestsPerMinute, applies: true, includesThis: true);
        Check(BudgetNames.ToolCallsPerDay, BudgetNames.ToolCalls, limits.ToolCallsPerDay, applies: isToolCall, includesThis: false);
        Check(BudgetNames.TokensPerDay, BudgetNames.Tokens, limits.TokensPerDay, applies: !isToolCall, includesThis: false);

        if (over.Count == 0)
        {
            return new BudgetOutcome(agentId, BudgetOutcome.Within, uses, [], null);
        }

        var action = limits.OnExceeded ?? BudgetPolicy.DefaultAction;
        var reason = string.Join("; ", over.Select(u =>
            $"agent {agentId} over {u.Name}: {u.Used} of {u.Limit} used in {BudgetWindows.Describe(MetricOf(u.Name), u.WindowStart)}"));
        return new BudgetOutcome(agentId, BudgetNames.Of(action), uses, over.Select(u => u.Name).ToArray(), reason);

        void Check(string name, string metric, long? limit, bool applies, bool includesThis)
        {
            if (limit is not { } max || !applies)
            {
                return;
            }

            var window = BudgetWindows.Start(metric, now);
            var used = current.Where(c => c.Metric == metric && c.WindowStart == window).Sum(c => c.Value);
            var use = new BudgetUse(name, used, max, window);
            uses.Add(use);
            if (includesThis ? used > max : used >= max)
            {
                over.Add(use);
            }
        }
    }

    /// <summary>
    /// The classification with the budget's verdict: <c>require-approval</c> moves a request whose route would execute it
    /// to the policy's approval route (as the guardrails' require-approval does); on an approve route it only adds the
    /// reason, which approvers then see; <c>reject</c> is carried out by the state machine. A block route stays a block.
    /// </summary>
    public static ClassificationResult Apply(ClassificationResult ruled, BudgetOutcome? outcome, WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(ruled);
        ArgumentNullException.ThrowIfNull(definition);
        if (outcome is null || definition.Budgets is not { } policy)
        {
            return ruled;
        }

        if (!outcome.IsOver)
        {
            return ruled with { Budget = outcome };
        }

        var route = definition.RouteFor(ruled.Route);
        if (outcome.IsRejected)
        {
            return ruled with { Reason = $"{ruled.Reason.TrimEnd()} Rejected by the agent's budget: {outcome.Reason}.", Budget = outcome };
        }

        var reason = $"{ruled.Reason.TrimEnd()} Budget requires approval: {outcome.Reason}.";
        return route.Action == RouteAction.Execute
            ? ruled with { Route = policy.ApprovalRoute, Reason = reason, Budget = outcome with { ClassifiedRoute = ruled.Route } }
            : ruled with { Reason = reason, Budget = outcome };
    }

    private static string MetricOf(string name) => name switch
    {
        BudgetNames.RequestsPerMinute => BudgetNames.Requests,
        BudgetNames.ToolCallsPerDay => BudgetNames.ToolCalls,
        _ => BudgetNames.Tokens,
    };
}
