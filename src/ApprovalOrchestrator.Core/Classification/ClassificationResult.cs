using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// The deterministic verdict on one request. <see cref="Route"/> names the definition route it leads to.
/// <see cref="Matches"/> lists every rule that matched, winner first.
/// </summary>
public sealed record ClassificationResult(
    RiskLevel Risk,
    string Category,
    double Confidence,
    string Reason,
    string Route,
    IReadOnlyList<RuleMatch> Matches,
    DefinitionRef Definition)
{
    public IReadOnlyList<string> MatchedRuleIds => Matches.Select(m => m.RuleId).ToArray();

    public IReadOnlyList<string> MatchedTerms => Matches.SelectMany(m => m.Terms).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>One matched rule and the terms of it that were found (as written in the definition).</summary>
public sealed record RuleMatch(string RuleId, RiskLevel Risk, IReadOnlyList<string> Terms);
