namespace ApprovalOrchestrator.Core.Detection;

/// <summary>
/// Runs detectors over a text. <see cref="ScanAll"/> gives every raw match (they may overlap: a policy that blocks
/// private keys wants to see one even inside a larger credential); <see cref="Scan"/> gives the resolved,
/// non-overlapping spans redaction replaces. Both are ordered by start, and deterministic.
/// </summary>
public static class Scanner
{
    public static IReadOnlyList<Finding> Scan(string text) => Scan(text, static _ => true);

    /// <param name="include">Which detector ids take part (a policy's <c>redact</c> set, say).</param>
    public static IReadOnlyList<Finding> Scan(string text, Func<string, bool> include) =>
        Overlaps.Resolve(ScanAll(text, include));

    public static IReadOnlyList<Finding> ScanAll(string text) => ScanAll(text, static _ => true);

    public static IReadOnlyList<Finding> ScanAll(string text, Func<string, bool> include)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(include);
        if (text.Length == 0)
        {
            return [];
        }

        var folded = FoldedText.Of(text);
        var findings = new List<Finding>();
        foreach (var detector in DetectorRegistry.All)
        {
            if (!include(detector.Id))
            {
                continue;
            }

            foreach (var f in detector.Find(folded.Text))
            {
                findings.Add(folded.ToOriginal(f));
            }
        }

        findings.Sort(static (a, b) =>
            a.Start != b.Start ? a.Start.CompareTo(b.Start)
            : a.Length != b.Length ? b.Length.CompareTo(a.Length)
            : DetectorRegistry.Rank(a.DetectorId).CompareTo(DetectorRegistry.Rank(b.DetectorId)));
        return findings;
    }
}
