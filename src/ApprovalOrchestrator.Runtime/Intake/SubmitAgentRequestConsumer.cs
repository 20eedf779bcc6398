using System.Text.Json;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Messaging;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Intake;

/// <summary>
/// Intake over the bus (<c>ao-intake</c>). A valid request starts a workflow; <see cref="AgentRequestAccepted"/> is written to
/// the outbox in that same transaction. An invalid one is answered with <see cref="AgentRequestRejected"/> and faulted to
/// <c>ao-intake_error</c> with the reason, without retries. A redelivered or resubmitted request finds its instance and
/// publishes nothing new, so there is one instance and one completion per requestId.
/// </summary>
public sealed class SubmitAgentRequestConsumer(WorkflowEngine engine, ILogger<SubmitAgentRequestConsumer> logger) : IConsumer<SubmitAgentRequest>
{
    public async Task Consume(ConsumeContext<SubmitAgentRequest> context)
    {
        var message = context.Message;
        var command = ToCommand(message);
        var errors = RequestValidator.Validate(command, requestIdRequired: true);
        if (errors.Count > 0)
        {
            await RejectAndFaultAsync(context, command.RequestId, errors);
        }

        var result = await engine.SubmitAsync(command, context.CancellationToken);
        switch (result.Kind)
        {
            case WorkflowEngine.SubmitKind.Invalid:
            case WorkflowEngine.SubmitKind.Forbidden: // a workflow the bindings do not let this agent choose
                await RejectAndFaultAsync(context, command.RequestId, result.Errors);
                break;
            case WorkflowEngine.SubmitKind.Conflict:
                await RejectAndFaultAsync(context, command.RequestId, [new FieldError(
                    "requestId",
                    // No instance id: a bus publisher names the requester itself, so it must not learn more than "taken".
                    $"'{command.RequestId}' was already submitted by this requester with different content; use a new requestId for a new request.")]);
                break;
            case WorkflowEngine.SubmitKind.Existing:
                logger.LogDebug("Request {RequestId} was already submitted as {InstanceId}; nothing new started", command.RequestId, result.Instance!.Id);
                break;
        }
    }

    /// <summary>Nothing to commit, so the event goes out directly; its id derives from the message's, so a redelivery repeats it, not a new one.</summary>
    private static async Task RejectAndFaultAsync(ConsumeContext context, string? requestId, IReadOnlyList<FieldError> errors)
    {
        var reason = "Rejected SubmitAgentRequest" + (string.IsNullOrWhiteSpace(requestId) ? "" : $" '{requestId}'") + ": " + string.Join("; ", errors);
        var rejected = new AgentRequestRejected(
            string.IsNullOrWhiteSpace(requestId) ? null : requestId,
            errors.Select(e => new ValidationError(e.Field, e.Message)).ToList(),
            reason);
        await context.Publish(rejected, p =>
        {
            if (context.MessageId is { } id)
            {
                p.MessageId = DeterministicId.Create(id, "rejected");
            }
        });
        throw new MessageRejectedException(reason);
    }

    // The contract declares the mandatory fields non-null, but a message is only what the sender wrote: every field may be missing.
    private static SubmitCommand ToCommand(SubmitAgentRequest message) => new(
        message.RequestId,
        message.Requester,
        message.AgentId,
        message.Text,
        message.Tool is { } tool
            ? new SubmitTool(tool.Name, tool.Action, tool.Args is { } args ? JsonSerializer.SerializeToElement(args) : null)
            : null,
        message.Workflow);
}
