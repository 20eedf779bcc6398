using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Workflow;

/// <summary>
/// Port: runs the pure state machine as one committed step (instance, audit, timers, outbox in one transaction).
/// Implemented by the Runtime's workflow engine.
/// </summary>
public interface IWorkflowSteps
{
    /// <summary>
    /// One step on <paramref name="instance"/>: the event is made from the state read inside the transaction. Null when
    /// there is no such instance, or <paramref name="delivery"/> was already handled (a redelivered message).
    /// </summary>
    Task<StepResult?> ApplyAsync(
        InstanceId instance,
        Func<WorkflowInstance, WorkflowDefinition, WorkflowEvent> createEvent,
        DeliveryKey? delivery = null,
        CancellationToken cancellationToken = default);

    /// <summary>Starts a workflow for a validated request, or finds the one an earlier submit with the same client request id started.</summary>
    Task<StartOutcome> StartAsync(SubmitCommand command, IReadOnlyList<string>? requesterGroups, CancellationToken cancellationToken = default);
}

/// <summary>One delivery of a bus message to one consumer: the inbox dedups steps by it.</summary>
public sealed record DeliveryKey(string Consumer, Guid MessageId);

public enum StartKind
{
    Created,
    Existing,
    Conflict,
    Invalid,
    Forbidden,
}

/// <summary>What starting came to; <see cref="ConflictingInstance"/> when the client request id was used for other content.</summary>
public sealed record StartOutcome(StartKind Kind, WorkflowInstance? Instance, InstanceId? ConflictingInstance, IReadOnlyList<FieldError> Errors);
