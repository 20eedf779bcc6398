namespace ApprovalOrchestrator.Core.Detection;

/// <summary>
/// Which detectors' findings are replaced. The per-definition policy (redact / block / require-approval / allow)
/// reduces to this set for the redaction step; the other actions act on <see cref="Scanner.ScanAll(string)"/>.
/// </summary>
public sealed record RedactionPolicy(IReadOnlySet<string> Redacted)
{
    public static RedactionPolicy All { get; } = new(DetectorRegistry.Ids.ToHashSet(StringComparer.Ordinal));

    public static RedactionPolicy Only(params string[] ids)
    {
        foreach (var id in ids)
        {
            if (!DetectorRegistry.IsKnown(id))
            {
                throw new ArgumentException($"unknown detector '{id}'", nameof(ids));
            }
        }

        return new(ids.ToHashSet(StringComparer.Ordinal));
    }

    public bool Redacts(string detectorId) => Redacted.Contains(detectorId);
}
