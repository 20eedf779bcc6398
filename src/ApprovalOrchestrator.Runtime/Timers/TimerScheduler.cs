namespace ApprovalOrchestrator.Runtime.Timers;

/// <summary>
/// Wakes the workflow when an armed timer row comes due. The rows (table <c>timers</c>) are the truth; a scheduler only
/// decides when to present a token to the step, which acts only while the task still waits on it. SQLite uses
/// <see cref="DueTimeScheduler"/> (in-process, driven by the rows' due_at index); PostgreSQL uses
/// <see cref="QuartzTimerScheduler"/> (Quartz's clustered store, so several servers share the work).
/// </summary>
public abstract class TimerScheduler
{
    /// <summary>After a commit: the timers it armed and the tokens it cancelled. Best effort; reconciliation covers a miss.</summary>
    public abstract Task ApplyAsync(IReadOnlyList<TimerRow> armed, IReadOnlyList<string> cancelled);

    /// <summary>Catches up with the committed rows (after a crash between commit and <see cref="ApplyAsync"/>).</summary>
    public abstract Task<int> ReconcileAsync(CancellationToken cancellationToken = default);
}
