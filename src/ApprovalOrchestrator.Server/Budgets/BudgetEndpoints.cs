using ApprovalOrchestrator.Runtime.Budgets;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Budgets;

/// <summary>
/// <c>GET /api/budgets</c> (auditors, admins): every agent's counters in the current windows (this UTC minute's requests,
/// today's tool calls and tokens), read from the database, so every node answers the same.
/// </summary>
public static class BudgetEndpoints
{
    public sealed record BudgetCounterView(string AgentId, string Metric, DateTimeOffset WindowStart, long Value);

    public sealed record BudgetsView(DateTimeOffset At, IReadOnlyList<BudgetCounterView> Counters);

    public static void MapBudgets(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/budgets", GetAsync).WithTags("Budgets").RequireAuthorization(Roles.AuditReader);

    private static async Task<IResult> GetAsync(Database database, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var rows = await BudgetCounterRows.AllCurrentAsync(database, now);
        return Results.Ok(new BudgetsView(now, rows.Select(r => new BudgetCounterView(r.AgentId, r.Counter.Metric, r.Counter.WindowStart, r.Counter.Value)).ToList()));
    }
}
