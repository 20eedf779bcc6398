namespace ApprovalOrchestrator.Runtime.Operations;

/// <summary>An age band of waiting tasks: from <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive; null = no limit).</summary>
public sealed record AgeBand(string Label, TimeSpan From, TimeSpan? To);

/// <summary>Pure bucketing: waiting time into age bands, and instants into the hours of a window.</summary>
public static class TimeBuckets
{
    public static readonly IReadOnlyList<AgeBand> AgeBands =
    [
        new("< 15 min", TimeSpan.Zero, TimeSpan.FromMinutes(15)),
        new("15 min – 1 h", TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)),
        new("1 – 4 h", TimeSpan.FromHours(1), TimeSpan.FromHours(4)),
        new("4 – 24 h", TimeSpan.FromHours(4), TimeSpan.FromHours(24)),
        new("> 24 h", TimeSpan.FromHours(24), null),
    ];

    /// <summary>The index in <see cref="AgeBands"/> of a task waiting <paramref name="age"/> (a clock slightly behind counts as new).</summary>
    public static int AgeBand(TimeSpan age)
    {
        for (var i = 0; i < AgeBands.Count; i++)
        {
            if (AgeBands[i].To is not { } to || age < to)
            {
                return i;
            }
        }

        return AgeBands.Count - 1;
    }

    /// <summary>
    /// The start of each of the <paramref name="hours"/> whole hours ending with the one that holds <paramref name="now"/>,
    /// oldest first: the x axis of the last-24-hours charts.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> HourStarts(DateTimeOffset now, int hours)
    {
        var current = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        return Enumerable.Range(0, hours).Select(i => current.AddHours(i - hours + 1)).ToList();
    }

    /// <summary>How many of <paramref name="instants"/> fall in each hour starting at <paramref name="starts"/>; others are ignored.</summary>
    public static int[] CountPerHour(IReadOnlyList<DateTimeOffset> starts, IEnumerable<DateTimeOffset> instants)
    {
        var counts = new int[starts.Count];
        if (starts.Count == 0)
        {
            return counts;
        }

        foreach (var at in instants)
        {
            var index = (int)Math.Floor((at - starts[0]).TotalHours);
            if (index >= 0 && index < counts.Length)
            {
                counts[index]++;
            }
        }

        return counts;
    }
}
