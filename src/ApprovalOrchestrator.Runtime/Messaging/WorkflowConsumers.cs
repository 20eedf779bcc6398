using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Execution;
using System.Security.Cryptography;
using System.Text;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Timers;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Messaging;

// The workflow's pieces as bus consumers. Each claims the message id in its step's transaction (inbox), so a
// redelivered message changes nothing; each re-reads the instance, so a stale one finds nothing to do.

/// <summary>
/// Classification: the deterministic policy, applied against the instance's pinned definition. The agent's budget is
/// counted and checked in the same transaction (<see cref="Budgets.BudgetCheck"/>), so the count commits with the step.
/// </summary>
public sealed class ClassifyConsumer(WorkflowEngine engine, TimeProvider clock) : IConsumer<ClassifyRequest>
{
    public Task Consume(ConsumeContext<ClassifyRequest> context) =>
        engine.ApplyAsync(
            context.Message.InstanceId,
            (connection, tx, instance, definition) => ClassifyStep.EventForAsync(connection, tx, instance, definition, clock.GetUtcNow()),
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

/// <summary>
/// Escalation and expiry: a timer firing, checked against the stored timer before the workflow sees it. A firing for a
/// token no task waits on, with the wrong key, or well before its due time changes nothing and is a security event:
/// only our Quartz job can produce a valid one, so anything else was forged or replayed.
/// </summary>
public sealed class TimerFiredConsumer(WorkflowEngine engine, Database database, SecurityEventLog security, TimeProvider clock, ILogger<TimerFiredConsumer> logger)
    : IConsumer<TimerFired>
{
    public async Task Consume(ConsumeContext<TimerFired> context)
    {
        var message = context.Message;
        if (await RefusalAsync(message) is { } why)
        {
            logger.LogWarning("TimerFired for task {TaskId} refused: {Why}", message.TaskId, why);
            security.Record(403, "bus", "BUS", QueueNames.Timers, $"TimerFired for task {message.TaskId}: {why}", null);
            return;
        }

        await engine.ApplyAsync(
            message.InstanceId,
            (_, _) => new TimerElapsed(message.TaskId, message.Token),
            ClassifyConsumer.InboxFor(context, "timer"),
            context.CancellationToken);
    }

    private async Task<string?> RefusalAsync(TimerFired message)
    {
        ArmedTimer? timer;
        await using (var connection = await database.OpenAsync())
        {
            timer = await TimerRows.FindAsync(connection, message.Token ?? "");
        }

        if (timer is null || timer.InstanceId != message.InstanceId || timer.TaskId != message.TaskId)
        {
            return "no such timer for this task";
        }

        if (timer.Status != "armed")
        {
            return null; // a repeat of a firing already handled: the step ignores it as stale, as before
        }

        // Timers armed before firing keys existed have none; for them the due-time check below still holds.
        if (timer.Key is not null && (message.Key is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(timer.Key), Encoding.ASCII.GetBytes(message.Key))))
        {
            return "wrong firing key";
        }

        if (clock.GetUtcNow() + WorkflowStateMachine.TimerTolerance < timer.DueAt)
        {
            return $"fired before its due time {timer.DueAt:O}";
        }

        return null;
    }
}
