using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Guardrails;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// The deterministic verdict on one request. <see cref="Route"/> names the definition route it leads to.
/// <see cref="Matches"/> lists every rule that matched, winner first. <see cref="Warnings"/> notes what was decided
/// fail-closed (a regex that timed out counted as a match). <see cref="Guardrails"/> is what the definition's guardrails
/// found and decided (null when it has none), including the request exactly as it will be sent. <see cref="Budget"/> is
/// the agent's budget as checked at classification (null when the definition sets no limits for the agent).
/// </summary>
public sealed record ClassificationResult(
    RiskLevel Risk,
    string Category,
    double Confidence,
    string Reason,
    string Route,
    IReadOnlyList<RuleMatch> Matches,
    DefinitionRef Definition,
    IReadOnlyList<string>? Warnings = null,
    GuardrailOutcome? Guardrails = null,
    Budgets.BudgetOutcome? Budget = null)
{
    public IReadOnlyList<string> MatchedRuleIds => Matches.Select(m => m.RuleId).ToArray();

    public IReadOnlyList<string> MatchedTerms => Matches.SelectMany(m => m.Terms).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// One matched rule: the terms of it that were found (as written in the definition) and, for other conditions,
/// readable details of what held (e.g. <c>args.amount = 25000 (args.amount &gt; 10000)</c>).
/// </summary>
public sealed record RuleMatch(string RuleId, RiskLevel Risk, IReadOnlyList<string> Terms, IReadOnlyList<string>? Details = null);
