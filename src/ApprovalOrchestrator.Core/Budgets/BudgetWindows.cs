namespace ApprovalOrchestrator.Core.Budgets;

/// <summary>
/// Fixed windows in UTC: requests count in the minute they arrive in, tool calls and tokens in the UTC day. A window is
/// named by its start; a counter of an earlier window is simply not the current one (no reset job is needed).
/// </summary>
public static class BudgetWindows
{
    public static DateTimeOffset MinuteStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }

    public static DateTimeOffset DayStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The window a metric's counter falls in at <paramref name="now"/>.</summary>
    public static DateTimeOffset Start(string metric, DateTimeOffset now) =>
        metric == BudgetNames.Requests ? MinuteStart(now) : DayStart(now);

    /// <summary>"the minute starting 2026-12-02T16:31Z" / "the day starting 2026-12-02T00:00Z".</summary>
    public static string Describe(string metric, DateTimeOffset windowStart) =>
        $"the {(metric == BudgetNames.Requests ? "minute" : "day")} starting {windowStart.ToUniversalTime():yyyy-MM-dd'T'HH:mm}Z";
}
