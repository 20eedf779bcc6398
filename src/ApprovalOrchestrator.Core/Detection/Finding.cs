namespace ApprovalOrchestrator.Core.Detection;

/// <summary>
/// Where a detector matched: its id and the span in the scanned text. Never the value itself, so a finding can go into
/// a classification, an audit event or a log without carrying what it found.
/// </summary>
public readonly record struct Finding(string DetectorId, int Start, int Length)
{
    public int End => Start + Length;
}
