using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Messaging;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>The use cases' <see cref="IWorkflowSteps"/>, on the <see cref="WorkflowEngine"/>.</summary>
internal sealed class WorkflowSteps(WorkflowEngine engine) : IWorkflowSteps
{
    public Task<StepResult?> ApplyAsync(
        InstanceId instance, Func<WorkflowInstance, WorkflowDefinition, WorkflowEvent> createEvent, DeliveryKey? delivery = null, CancellationToken cancellationToken = default) =>
        engine.ApplyAsync(instance.Value, createEvent, delivery is null ? null : new InboxKey(delivery.Consumer, delivery.MessageId), cancellationToken);

    public async Task<StartOutcome> StartAsync(SubmitCommand command, IReadOnlyList<string>? requesterGroups, CancellationToken cancellationToken = default)
    {
        var result = await engine.SubmitAsync(command, cancellationToken, requesterGroups);
        var kind = result.Kind switch
        {
            WorkflowEngine.SubmitKind.Created => StartKind.Created,
            WorkflowEngine.SubmitKind.Existing => StartKind.Existing,
            WorkflowEngine.SubmitKind.Conflict => StartKind.Conflict,
            WorkflowEngine.SubmitKind.Forbidden => StartKind.Forbidden,
            _ => StartKind.Invalid,
        };
        return new StartOutcome(kind, result.Instance, result.ConflictingId is { } id ? new InstanceId(id) : null, result.Errors);
    }
}
