using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Core.Budgets;

/// <summary>
/// What a transition consumed of its agent's budget, as effects the shell adds to the counters in the step's own
/// transaction: a tool call when its execution starts (the first attempt; a tool call is never re-sent), and the tokens of
/// the Gateway's <c>usage</c> when the execution finishes. Requests are counted at classification, where the count decides
/// (the shell counts and checks in one statement there). Only under definitions with a <c>budgets</c> section.
/// </summary>
public static class BudgetUsage
{
    /// <summary>
    /// The most one answer's usage may add: far above any real call, low enough that no run of answers overflows a
    /// 64-bit counter (an overflowing add would fail the finish step again on every retry and leave the request stuck).
    /// </summary>
    public const long MaxTokensPerCall = 1_000_000_000_000;

    public static IReadOnlyList<WorkflowEffect> Of(WorkflowInstance before, WorkflowInstance after, WorkflowDefinition definition)
    {
        if (definition.Budgets is null)
        {
            return [];
        }

        var effects = new List<WorkflowEffect>();
        var agent = after.Request.AgentId;
        if (before.Execution is null && after.Execution is not null && after.Request.Tool is not null)
        {
            effects.Add(new ConsumeBudget(agent, BudgetNames.ToolCalls, 1));
        }

        if (before.Execution?.Result is null && after.Execution?.Result?.Runtime?.Usage is { } usage
            && (usage.TotalTokens ?? (usage.PromptTokens ?? 0) + (usage.CompletionTokens ?? 0)) is > 0 and var tokens)
        {
            effects.Add(new ConsumeBudget(agent, BudgetNames.Tokens, Math.Min(tokens, MaxTokensPerCall)));
        }

        return effects;
    }
}
