using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;
using Quartz;

namespace ApprovalOrchestrator.Runtime.Timers;

/// <summary>
/// A Quartz firing becomes a <see cref="TimerFired"/> bus message through the outbox. Every firing is a new message:
/// a firing lost in a crash is fired again by reconciliation (the timer row is still armed), and must not be mistaken
/// for the earlier one. Repeats are harmless: the step acts only while the task still waits on this token.
/// </summary>
public sealed class TimerJob(Database database, OutboxSignal signal, TimeProvider clock) : IJob
{
    public const string InstanceIdKey = "instanceId";
    public const string TaskIdKey = "taskId";
    public const string TokenKey = "token";
    public const string FiringKey = "key";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var instanceId = Guid.Parse(data.GetString(InstanceIdKey)!);
        var key = data.ContainsKey(FiringKey) ? data.GetString(FiringKey) : null;
        var message = new TimerFired(instanceId, Guid.Parse(data.GetString(TaskIdKey)!), data.GetString(TokenKey)!, string.IsNullOrEmpty(key) ? null : key);
        // Quartz runs outside any request: the firing rejoins the request's trace, and its row carries that on.
        using var span = Telemetry.OrchestratorTelemetry.StartSpan("timer fired", await Telemetry.TraceContextRows.FindAsync(database, instanceId));
        span?.SetTag("approval.instance.id", instanceId.ToString());
        if (context.ScheduledFireTimeUtc is { } scheduled)
        {
            Telemetry.OrchestratorTelemetry.TimerLateness.Record(Math.Max(0, (clock.GetUtcNow() - scheduled).TotalSeconds));
        }

        await database.InTransactionAsync(async (connection, tx) =>
        {
            await Outbox.AddAsync(connection, tx, message, clock.GetUtcNow());
            return 0;
        });
        signal.Notify();
    }
}
