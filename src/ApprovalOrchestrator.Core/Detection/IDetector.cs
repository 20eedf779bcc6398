namespace ApprovalOrchestrator.Core.Detection;

/// <summary>
/// One pure, deterministic detector. It reads text already folded by <see cref="FoldedText"/> (zero-width characters
/// removed, full-width forms and Unicode digits as ASCII) and reports spans in that text; the scanner maps them back.
/// Implementations must run in time linear in the input: hand-written scans or non-backtracking regular expressions.
/// </summary>
public interface IDetector
{
    /// <summary>Stable id used in policies, placeholders and audit records (<c>email</c>, <c>national-id.es</c>).</summary>
    string Id { get; }

    IEnumerable<Finding> Find(string text);

    /// <summary>
    /// The form under which two spellings of one value share a placeholder (an e-mail in any case, a card with or
    /// without spaces).
    /// </summary>
    string Canonical(string value) => value;
}
