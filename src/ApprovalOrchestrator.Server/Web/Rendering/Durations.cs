namespace ApprovalOrchestrator.Server.Web.Rendering;

/// <summary>Elapsed times for people ("2h 05m", "40s"), for the dashboard's latencies and waits.</summary>
public static class Durations
{
    public static string Format(TimeSpan t)
    {
        if (t < TimeSpan.Zero)
        {
            t = TimeSpan.Zero;
        }

        return t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours}h"
            : t.TotalHours >= 1 ? $"{t.Hours}h {t.Minutes:00}m"
            : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds:00}s"
            : $"{t.Seconds}s";
    }
}
