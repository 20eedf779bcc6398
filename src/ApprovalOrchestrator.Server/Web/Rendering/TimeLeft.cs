using System.Globalization;

namespace ApprovalOrchestrator.Server.Web.Rendering;

/// <summary>Short durations for people ("3h 59m", "45s"); the page's script keeps them counting down.</summary>
public static class TimeLeft
{
    public static string Format(long? seconds)
    {
        if (seconds is not { } s)
        {
            return "—";
        }

        if (s <= 0)
        {
            return "due now";
        }

        var t = TimeSpan.FromSeconds(s);
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours}h"
            : t.TotalHours >= 1 ? $"{t.Hours}h {t.Minutes:00}m"
            : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds:00}s"
            : $"{t.Seconds}s";
    }

    /// <summary>Urgency for styling: under 15 minutes is urgent, under an hour soon.</summary>
    public static string Urgency(long? seconds) => seconds switch
    {
        null => "none",
        < 15 * 60 => "urgent",
        < 60 * 60 => "soon",
        _ => "later",
    };

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>UTC, to the second: audit trails are compared across time zones.</summary>
    public static string Display(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
