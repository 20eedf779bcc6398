using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;
using Quartz;

namespace ApprovalOrchestrator.Runtime.Timers;

/// <summary>
/// A Quartz firing becomes a <see cref="TimerFired"/> bus message through the outbox. Its id is derived from the token,
/// so a firing repeated (misfire, reconciliation) is the same message and is consumed once.
/// </summary>
public sealed class TimerJob(SqliteDatabase database, OutboxSignal signal, TimeProvider clock) : IJob
{
    public const string InstanceIdKey = "instanceId";
    public const string TaskIdKey = "taskId";
    public const string TokenKey = "token";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var instanceId = Guid.Parse(data.GetString(InstanceIdKey)!);
        var message = new TimerFired(instanceId, Guid.Parse(data.GetString(TaskIdKey)!), data.GetString(TokenKey)!);
        await database.InTransactionAsync(async (connection, tx) =>
        {
            await Outbox.AddAsync(connection, tx, message, clock.GetUtcNow(), DeterministicId.Create(instanceId, "timer/" + message.Token));
            return 0;
        });
        signal.Notify();
    }
}
