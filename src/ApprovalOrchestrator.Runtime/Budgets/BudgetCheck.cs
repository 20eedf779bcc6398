using System.Data;
using ApprovalOrchestrator.Core.Budgets;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Budgets;

/// <summary>
/// The classify step's count-and-check, in that step's transaction: the request is counted (the upsert returns the new
/// value), the day's tool-call and token counters are read, and <see cref="BudgetEvaluator"/> decides. Only a request
/// still waiting to be classified is counted: a stale or repeated classify message counts nothing.
/// </summary>
public static class BudgetCheck
{
    public static async Task<BudgetOutcome?> CountRequestAsync(IDbConnection connection, IDbTransaction tx, WorkflowInstance instance, WorkflowDefinition definition, DateTimeOffset now)
    {
        if (definition.Budgets is not { } policy || instance.Status != InstanceStatus.Received)
        {
            return null;
        }

        var agent = instance.Request.AgentId;
        var requests = await BudgetCounterRows.AddAsync(connection, tx, agent, BudgetNames.Requests, BudgetWindows.MinuteStart(now), 1, now);
        var day = (await BudgetCounterRows.CurrentAsync(connection, tx, agent, now)).Where(c => c.Metric != BudgetNames.Requests);
        var counters = day.Append(new BudgetCounter(BudgetNames.Requests, BudgetWindows.MinuteStart(now), requests));
        return BudgetEvaluator.Evaluate(policy, agent, instance.Request.Tool is not null, counters, now);
    }
}
