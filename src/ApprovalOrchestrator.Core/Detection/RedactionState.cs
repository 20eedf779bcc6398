namespace ApprovalOrchestrator.Core.Detection;

/// <summary>
/// The placeholders handed out within one request. Pass the same instance for the request text and every tool
/// argument so one value gets one placeholder everywhere (<c>[email#1]</c> twice means the same address). It holds
/// the values in memory only to number them: never serialize it; <see cref="Counts"/> is what may be recorded. Not
/// thread-safe: one request, one thread at a time.
/// </summary>
public sealed class RedactionState
{
    private readonly Dictionary<(string Detector, string Canonical), int> _numbers = new();
    private readonly SortedDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Distinct values replaced so far, per detector id.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;

    internal string PlaceholderFor(string detectorId, string canonicalValue)
    {
        if (!_numbers.TryGetValue((detectorId, canonicalValue), out var n))
        {
            n = _counts.GetValueOrDefault(detectorId) + 1;
            _counts[detectorId] = n;
            _numbers[(detectorId, canonicalValue)] = n;
        }

        return $"[{detectorId}#{n}]";
    }
}
