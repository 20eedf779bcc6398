namespace ApprovalOrchestrator.Runtime.Operations;

/// <summary>Open tasks of one risk, counted per <see cref="TimeBuckets.AgeBands"/> entry.</summary>
public sealed record PendingByRisk(string Risk, IReadOnlyList<int> PerAgeBand);

/// <summary>Time from a task being opened to a decision on it, for one group or tier, over the window.</summary>
public sealed record LatencySummary(string Key, int Decisions, TimeSpan Median, TimeSpan P90);

/// <summary>Counts per hour of the window (oldest first), aligned with <see cref="OperationsSnapshot.Hours"/>.</summary>
public sealed record HourlySeries(string Name, IReadOnlyList<int> Counts)
{
    public int Total => Counts.Sum();
}

/// <summary>One of the longest-waiting open tasks (<see cref="Tier"/> as stored, from 0).</summary>
public sealed record WaitingTask(Guid TaskId, Guid RequestId, string Group, int Tier, string? Risk, DateTimeOffset OpenedAt, DateTimeOffset DueAt);

/// <summary>Whether approvals are halted. There is no kill switch yet, so this only says so.</summary>
public sealed record HaltState(bool Halted, string Text)
{
    public static readonly HaltState NoKillSwitch = new(false, "not halted — no kill switch configured");
}

/// <summary>Everything the operations dashboard shows, read at <see cref="At"/>.</summary>
public sealed record OperationsSnapshot(
    DateTimeOffset At,
    IReadOnlyList<PendingByRisk> Pending,
    IReadOnlyList<LatencySummary> LatencyByGroup,
    IReadOnlyList<LatencySummary> LatencyByTier,
    IReadOnlyList<DateTimeOffset> Hours,
    HourlySeries Escalations,
    HourlySeries Expiries,
    HourlySeries Completions,
    IReadOnlyList<WaitingTask> Oldest,
    HaltState Halt)
{
    public int PendingTotal => Pending.Sum(p => p.PerAgeBand.Sum());
}
