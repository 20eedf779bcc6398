using System.Text.Json;
using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Intake;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Messaging;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Intake;

/// <summary>
/// Intake over the bus (<c>ao-intake</c>), an adapter over <see cref="SubmitRequest"/>. A valid request starts a workflow;
/// <see cref="AgentRequestAccepted"/> is written to the outbox in that same transaction. An invalid one is answered with
/// <see cref="AgentRequestRejected"/> and faulted to <c>ao-intake_error</c> with the reason, without retries. A redelivered
/// or resubmitted request finds its instance and publishes nothing new, so there is one instance and one completion per
/// client request id.
/// </summary>
public sealed class SubmitAgentRequestConsumer(SubmitRequest submit, ILogger<SubmitAgentRequestConsumer> logger) : IConsumer<SubmitAgentRequest>
{
    public async Task Consume(ConsumeContext<SubmitAgentRequest> context)
    {
        var command = ToCommand(context.Message);
        // No verified submitter on the bus (the broker's permissions admit the publisher), so the message must name its id.
        var submitted = await submit.HandleAsync(command, submitter: null, requestIdRequired: true, context.CancellationToken);
        if (submitted.Refusal is { } refused)
        {
            await RejectAndFaultAsync(context, command.ClientRequestId, refused.Errors);
        }
        else if (submitted.Value is { Duplicate: true } existing)
        {
            logger.LogDebug("Request {ClientRequestId} was already submitted as {InstanceId}; nothing new started", existing.ClientRequestId, existing.Instance);
        }
    }

    /// <summary>Nothing to commit, so the event goes out directly; its id derives from the message's, so a redelivery repeats it, not a new one.</summary>
    private static async Task RejectAndFaultAsync(ConsumeContext context, string? clientRequestId, IReadOnlyList<FieldError> errors)
    {
        var reason = "Rejected SubmitAgentRequest" + (string.IsNullOrWhiteSpace(clientRequestId) ? "" : $" '{clientRequestId}'") + ": " + string.Join("; ", errors);
        var rejected = new AgentRequestRejected(
            string.IsNullOrWhiteSpace(clientRequestId) ? null : clientRequestId,
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
