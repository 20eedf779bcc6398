namespace ApprovalOrchestrator.Core.Budgets;

/// <summary>One stored counter: how much of <see cref="Metric"/> the agent used in the window starting at <see cref="WindowStart"/>.</summary>
public sealed record BudgetCounter(string Metric, DateTimeOffset WindowStart, long Value);
