namespace ApprovalOrchestrator.Runtime.Operations;

/// <summary>Order statistics for the dashboard, on the nearest-rank definition (every value shown was really observed).</summary>
public static class Percentiles
{
    /// <summary>
    /// The smallest value such that at least <paramref name="percent"/>% of <paramref name="values"/> are at or below it;
    /// null for no values. Nearest rank rather than interpolation: a p90 of three decisions is the slowest one, not a blend.
    /// </summary>
    public static TimeSpan? Of(IReadOnlyCollection<TimeSpan> values, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
