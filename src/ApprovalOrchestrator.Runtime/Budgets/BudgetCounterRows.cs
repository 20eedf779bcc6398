using System.Data;
using ApprovalOrchestrator.Core.Budgets;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Budgets;

/// <summary>
/// The <c>budget_counters</c> table: one row per agent, metric and window. Always inside a step's transaction, so a
/// counter moves exactly when the step that consumed the budget commits (and not at all when it rolls back).
/// </summary>
public static class BudgetCounterRows
{
    /// <summary>
    /// Adds <paramref name="amount"/> and returns the counter's new value: one statement, so on PostgreSQL the upsert's row
    /// lock (held to commit) orders two nodes counting the same window, and on SQLite the single writer does.
    /// </summary>
    public static Task<long> AddAsync(IDbConnection connection, IDbTransaction tx, string agentId, string metric, DateTimeOffset windowStart, long amount, DateTimeOffset now) =>
        connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO budget_counters (agent_id, metric, window_start, value, updated_at) VALUES (@agentId, @metric, @window, @amount, @now)
            ON CONFLICT (agent_id, metric, window_start) DO UPDATE SET value = budget_counters.value + excluded.value, updated_at = excluded.updated_at
            RETURNING value
            """,
            new { agentId, metric, window = Timestamps.ToText(windowStart), amount, now = Timestamps.ToText(now) },
            tx);

    /// <summary>The agent's counters of the given metrics in their current windows (missing ones are simply absent).</summary>
    public static async Task<IReadOnlyList<BudgetCounter>> CurrentAsync(IDbConnection connection, IDbTransaction? tx, string agentId, DateTimeOffset now)
    {
        var rows = await connection.QueryAsync<(string Metric, string WindowStart, long Value)>(
            """
            SELECT metric, window_start, value FROM budget_counters
            WHERE agent_id = @agentId AND ((metric = @requests AND window_start = @minute) OR (metric <> @requests AND window_start = @day))
            """,
            new
            {
                agentId,
                requests = BudgetNames.Requests,
                minute = Timestamps.ToText(BudgetWindows.MinuteStart(now)),
                day = Timestamps.ToText(BudgetWindows.DayStart(now)),
            },
            tx);
        return rows.Select(r => new BudgetCounter(r.Metric, Timestamps.Parse(r.WindowStart), r.Value)).ToList();
    }

    /// <summary>Every agent's counters in the current windows, for operators (<c>GET /api/budgets</c>).</summary>
    public static async Task<IReadOnlyList<(string AgentId, BudgetCounter Counter)>> AllCurrentAsync(Database database, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string AgentId, string Metric, string WindowStart, long Value)>(
            """
            SELECT agent_id, metric, window_start, value FROM budget_counters
            WHERE (metric = @requests AND window_start = @minute) OR (metric <> @requests AND window_start = @day)
            ORDER BY agent_id, metric
            """,
            new
            {
                requests = BudgetNames.Requests,
                minute = Timestamps.ToText(BudgetWindows.MinuteStart(now)),
                day = Timestamps.ToText(BudgetWindows.DayStart(now)),
            });
        return rows.Select(r => (r.AgentId, new BudgetCounter(r.Metric, Timestamps.Parse(r.WindowStart), r.Value))).ToList();
    }
}
