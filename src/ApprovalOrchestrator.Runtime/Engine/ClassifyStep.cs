using System.Data;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>
/// The classify step's event: the deterministic policy applied to the request against the instance's pinned definition,
/// with the agent's budget counted and checked in the step's own transaction (<see cref="Budgets.BudgetCheck"/>), so the
/// count commits with the step. One place for both ways it runs (at intake, or from a ClassifyRequest message).
/// </summary>
public static class ClassifyStep
{
    public static async Task<WorkflowEvent> EventForAsync(
        IDbConnection connection, IDbTransaction tx, WorkflowInstance instance, WorkflowDefinition definition, DateTimeOffset now) =>
        new Classified(Classifier.Classify(
            new PolicyInput(instance.Request.Text, instance.Request.Requester, instance.Request.AgentId, instance.Request.Tool?.Name, instance.Request.Tool?.Action, instance.Request.Tool?.Args,
                instance.Request.RequesterGroups),
            definition,
            instance.Definition,
            await Budgets.BudgetCheck.CountRequestAsync(connection, tx, instance, definition, now)));
}
