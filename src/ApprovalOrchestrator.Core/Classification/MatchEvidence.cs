namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// What made a rule's condition hold: matched terms (as written) and readable details of other conditions, plus
/// warnings (regex timeouts). Evidence of a branch that did not hold is rolled back, so only real reasons remain.
/// </summary>
internal sealed class MatchEvidence
{
    public List<string> Terms { get; } = [];

    public List<string> Details { get; } = [];

    public List<string> Warnings { get; } = [];

    public (int Terms, int Details) Mark() => (Terms.Count, Details.Count);

    public void Reset((int Terms, int Details) mark)
    {
        Terms.RemoveRange(mark.Terms, Terms.Count - mark.Terms);
        Details.RemoveRange(mark.Details, Details.Count - mark.Details);
    }
}
