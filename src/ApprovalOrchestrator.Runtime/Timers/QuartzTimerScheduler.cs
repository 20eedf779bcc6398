using ApprovalOrchestrator.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ApprovalOrchestrator.Runtime.Timers;

/// <summary>
/// PostgreSQL: mirrors armed timer rows into Quartz's clustered store (the same database), so each timer fires on one
/// node and a dead node's timers fire on another. One job per token; scheduling is idempotent, so reconciliation can
/// re-run freely. A due time already past fires at once (misfire: fire now).
/// </summary>
public sealed class QuartzTimerScheduler(ISchedulerFactory schedulerFactory, Database database, ILogger<QuartzTimerScheduler> logger) : TimerScheduler
{
    public const string Group = "workflow-timers";

    public override async Task ApplyAsync(IReadOnlyList<TimerRow> armed, IReadOnlyList<string> cancelled)
    {
        try
        {
            var scheduler = await schedulerFactory.GetScheduler();
            foreach (var token in cancelled)
            {
                await scheduler.DeleteJob(new JobKey(token, Group));
            }

            foreach (var row in armed)
            {
                await ScheduleAsync(scheduler, row);
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not update Quartz; reconciliation will schedule the committed timers");
        }
    }

    /// <summary>Schedules every armed timer Quartz does not know (after a crash between commit and scheduling).</summary>
    public override async Task<int> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TimerRow> rows;
        await using (var connection = await database.OpenAsync())
        {
            rows = await TimerRows.ArmedAsync(connection);
        }

        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        // One query for every trigger Quartz holds, not one per armed timer: this runs every recovery sweep.
        var known = (await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(Group), cancellationToken))
            .Select(k => k.Name)
            .ToHashSet(StringComparer.Ordinal);
        var scheduled = 0;
        foreach (var row in rows.Where(r => !known.Contains(r.Token)))
        {
            await ScheduleAsync(scheduler, row);
            scheduled++;
        }

        if (scheduled > 0)
        {
            logger.LogInformation("Reconciled {Count} armed timers into Quartz", scheduled);
        }

        return scheduled;
    }

    private static Task ScheduleAsync(IScheduler scheduler, TimerRow row)
    {
        var job = JobBuilder.Create<TimerJob>()
            .WithIdentity(row.Token, Group)
            .UsingJobData(TimerJob.InstanceIdKey, row.InstanceId.ToString())
            .UsingJobData(TimerJob.TaskIdKey, row.TaskId.ToString())
            .UsingJobData(TimerJob.TokenKey, row.Token)
            .UsingJobData(TimerJob.FiringKey, row.Key ?? "")
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(row.Token, Group)
            .StartAt(row.DueAt)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        return scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }).AsTask();
    }
}
