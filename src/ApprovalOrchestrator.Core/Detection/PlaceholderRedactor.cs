using System.Text;

namespace ApprovalOrchestrator.Core.Detection;

/// <summary>Replaces findings with placeholders.</summary>
public static class PlaceholderRedactor
{
    /// <summary>Numbered, request-stable placeholders: <c>[email#1]</c>, <c>[phone#2]</c>.</summary>
    public static RedactionResult Redact(string text, RedactionPolicy policy, RedactionState state)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);
        var findings = Scanner.Scan(text, policy.Redacts);
        var redacted = Splice(text, findings, f =>
            state.PlaceholderFor(f.DetectorId, DetectorRegistry.Get(f.DetectorId).Canonical(FoldedText.Of(text.Substring(f.Start, f.Length)).Text)));
        return new RedactionResult(redacted, findings);
    }

    /// <summary>Un-numbered placeholders (<c>[email]</c>), for a text redacted on its own with no request scope.</summary>
    public static string RedactUnnumbered(string text, RedactionPolicy policy) =>
        Splice(text, Scanner.Scan(text, policy.Redacts), f => $"[{f.DetectorId}]");

    private static string Splice(string text, IReadOnlyList<Finding> findings, Func<Finding, string> placeholder)
    {
        if (findings.Count == 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var at = 0;
        foreach (var f in findings)
        {
            sb.Append(text, at, f.Start - at).Append(placeholder(f));
            at = f.End;
        }

        return sb.Append(text, at, text.Length - at).ToString();
    }
}
