using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Detection.Detectors;

/// <summary>
/// Shared shape for detectors that find candidates with a regular expression and confirm them in code. The
/// expressions are compiled with <see cref="RegexOptions.NonBacktracking"/>: matching is linear in the input whatever
/// it holds, so no input can make a scan slow, and there is no timeout to fail on.
/// </summary>
public abstract class RegexDetector : IDetector
{
    public abstract string Id { get; }

    public virtual string Canonical(string value) => value;

    public IEnumerable<Finding> Find(string text)
    {
        foreach (Match m in Pattern.Matches(text))
        {
            if (Confirm(text, m) is { } span)
            {
                yield return new Finding(Id, span.Start, span.Length);
            }
        }
    }

    protected abstract Regex Pattern { get; }

    /// <summary>The span to report (often the match, or one group of it), or null to drop the candidate.</summary>
    protected abstract (int Start, int Length)? Confirm(string text, Match match);

    protected static Regex Compile(string pattern, RegexOptions extra = RegexOptions.None) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | extra);
}
