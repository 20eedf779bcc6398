using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>
/// The classify step's event: the deterministic policy applied to the request against the instance's pinned
/// definition. One place for both ways it runs (at intake, or from a ClassifyRequest message).
/// </summary>
public static class ClassifyStep
{
    public static WorkflowEvent EventFor(WorkflowInstance instance, WorkflowDefinition definition) =>
        new Classified(Classifier.Classify(
            new PolicyInput(instance.Request.Text, instance.Request.Requester, instance.Request.AgentId, instance.Request.Tool?.Name, instance.Request.Tool?.Action, instance.Request.Tool?.Args,
                instance.Request.RequesterGroups),
            definition,
            instance.Definition));
}
