namespace ApprovalOrchestrator.Core.Detection;

/// <summary>What may be recorded about findings: detector ids and how many, never values or positions.</summary>
public static class FindingCounts
{
    /// <summary>Findings per detector id, ordered by id (stable for hashing into a classification or an audit event).</summary>
    public static IReadOnlyDictionary<string, int> ByDetector(IEnumerable<Finding> findings)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in findings)
        {
            counts[f.DetectorId] = counts.GetValueOrDefault(f.DetectorId) + 1;
        }

        return counts;
    }
}
