namespace ApprovalOrchestrator.Core.Detection;

/// <summary>
/// Turns overlapping findings into disjoint ones. Findings that overlap (transitively) form one cluster; the cluster
/// becomes a single finding covering their union, so no part of any match is left visible, labelled with the most
/// specific member (registry order: checksummed and prefixed structures before formats before entropy), then the
/// longest, then the first. Adjacent findings that only touch stay apart.
/// </summary>
internal static class Overlaps
{
    public static IReadOnlyList<Finding> Resolve(IReadOnlyList<Finding> sortedByStart)
    {
        var result = new List<Finding>();
        var i = 0;
        while (i < sortedByStart.Count)
        {
            var winner = sortedByStart[i];
            var start = winner.Start;
            var end = winner.End;
            var j = i + 1;
            for (; j < sortedByStart.Count && sortedByStart[j].Start < end; j++)
            {
                var f = sortedByStart[j];
                end = Math.Max(end, f.End);
                if (Better(f, winner))
                {
                    winner = f;
                }
            }

            result.Add(new Finding(winner.DetectorId, start, end - start));
            i = j;
        }

        return result;
    }

    private static bool Better(Finding a, Finding b)
    {
        var rank = DetectorRegistry.Rank(a.DetectorId).CompareTo(DetectorRegistry.Rank(b.DetectorId));
        return rank < 0 || (rank == 0 && a.Length > b.Length);
    }
}
