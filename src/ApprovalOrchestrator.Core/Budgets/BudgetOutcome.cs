namespace ApprovalOrchestrator.Core.Budgets;

/// <summary>
/// What the agent's budget decided about one request: part of its classification, the audit trail and the outcome event.
/// </summary>
/// <param name="AgentId">The agent whose counters were read.</param>
/// <param name="Decision"><c>within</c>, <c>require-approval</c> or <c>reject</c>.</param>
/// <param name="Uses">Every limit that applies, with the count it was checked against (requests include this one).</param>
/// <param name="Exceeded">The limit names the agent is over (empty when within).</param>
/// <param name="Reason">Why it is over, e.g. "agent main over toolCallsPerDay: 50 of 50 used in the day starting 2026-12-02T00:00Z".</param>
/// <param name="ClassifiedRoute">The route the rules chose, when <c>require-approval</c> moved the request to the approval route.</param>
public sealed record BudgetOutcome(
    string AgentId,
    string Decision,
    IReadOnlyList<BudgetUse> Uses,
    IReadOnlyList<string> Exceeded,
    string? Reason,
    string? ClassifiedRoute = null)
{
    public const string Within = "within";
    public const string RequireApproval = "require-approval";
    public const string Reject = "reject";

    public bool IsOver => Decision != Within;

    public bool IsRejected => Decision == Reject;
}

/// <summary>One limit checked: <see cref="Used"/> of <see cref="Limit"/> in the window starting at <see cref="WindowStart"/>.</summary>
public sealed record BudgetUse(string Name, long Used, long Limit, DateTimeOffset WindowStart);
