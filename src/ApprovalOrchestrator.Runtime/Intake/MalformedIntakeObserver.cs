using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Intake;

/// <summary>
/// A body MassTransit cannot read (malformed JSON, no envelope, a field of the wrong JSON type) never reaches
/// <see cref="SubmitAgentRequestConsumer"/>: MassTransit moves it to <c>ao-intake_error</c> with the parser's message in
/// <c>MT-Fault-Message</c> (measured on 8.4: not <c>_skipped</c>, not dropped). This observer adds the
/// <see cref="AgentRequestRejected"/> the sender is owed, so every refused submit is answered the same way.
/// </summary>
public sealed class MalformedIntakeObserver(IServiceProvider services, string intakeQueue, ILogger<MalformedIntakeObserver> logger) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class => Task.CompletedTask;

    public async Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        // The consumer answers its own rejections; here only a body that could not be READ. A receive that failed for
        // any other reason (the broker closing the channel mid-delivery, shutdown) is not the sender's fault: the
        // message is redelivered and will be answered then, so rejecting it here would tell the sender a lie.
        if (exception is MessageRejectedException || !IsIntake(context.InputAddress) || !IsUnreadableBody(exception))
        {
            return;
        }

        // The innermost message is the parser's own words, the one MassTransit writes to MT-Fault-Message.
        var cause = exception.GetBaseException().Message;
        var reason = $"Unreadable SubmitAgentRequest: {cause}";
        var messageId = context.GetMessageId();
        logger.LogWarning("Message {MessageId} on {Queue} could not be read and was moved to its error queue: {Reason}", messageId, intakeQueue, reason);
        try
        {
            await services.GetRequiredService<IBus>().Publish(
                new AgentRequestRejected(null, [new ValidationError("body", cause)], reason),
                p =>
                {
                    if (messageId is { } id)
                    {
                        p.MessageId = DeterministicId.Create(id, "rejected");
                    }
                });
        }
        catch (Exception ex)
        {
            // The message itself is safe in the error queue; the event is a courtesy.
            logger.LogWarning(ex, "Could not publish AgentRequestRejected for unreadable message {MessageId}", messageId);
        }
    }

    internal static bool IsUnreadableBody(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Text.Json.JsonException or FormatException || e.GetType().Name.Contains("Serialization", StringComparison.Ordinal))
            {
                return true;
            }

            if (e is OperationCanceledException || e.GetType().Namespace?.StartsWith("RabbitMQ.Client", StringComparison.Ordinal) == true)
            {
                return false;
            }
        }

        return false;
    }

    private bool IsIntake(Uri address) => address.AbsolutePath.TrimEnd('/').EndsWith("/" + intakeQueue, StringComparison.Ordinal);
}
