using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Execution;
using MassTransit;

namespace ApprovalOrchestrator.Runtime.Messaging;

// The workflow's pieces as bus consumers. Each claims the message id in its step's transaction (inbox), so a
// redelivered message changes nothing; each re-reads the instance, so a stale one finds nothing to do.

/// <summary>Classification: the deterministic policy, applied against the instance's pinned definition.</summary>
public sealed class ClassifyConsumer(WorkflowEngine engine) : IConsumer<ClassifyRequest>
{
    public Task Consume(ConsumeContext<ClassifyRequest> context) =>
        engine.ApplyAsync(
            context.Message.InstanceId,
            (instance, definition) => new Classified(Classifier.Classify(
                new PolicyInput(instance.Request.Text, instance.Request.Requester, instance.Request.AgentId, instance.Request.Tool?.Name, instance.Request.Tool?.Action, instance.Request.Tool?.Args,
                    instance.Request.RequesterGroups),
                definition,
                instance.Definition)),
            InboxFor(context, "classify"),
            context.CancellationToken);

    internal static InboxKey InboxFor(ConsumeContext context, string consumer) => new(consumer, context.MessageId ?? NewId.NextGuid());
}

/// <summary>Execution through the Gateway.</summary>
public sealed class ExecuteConsumer(ExecutionRunner runner) : IConsumer<ExecuteRequest>
{
    public Task Consume(ConsumeContext<ExecuteRequest> context) =>
        runner.RunAsync(context.Message.InstanceId, ClassifyConsumer.InboxFor(context, "execute"), context.CancellationToken);
}

/// <summary>Escalation and expiry: a timer firing, checked against the token the task waits on.</summary>
public sealed class TimerFiredConsumer(WorkflowEngine engine) : IConsumer<TimerFired>
{
    public Task Consume(ConsumeContext<TimerFired> context) =>
        engine.ApplyAsync(
            context.Message.InstanceId,
            (_, _) => new TimerElapsed(context.Message.TaskId, context.Message.Token),
            ClassifyConsumer.InboxFor(context, "timer"),
            context.CancellationToken);
}
