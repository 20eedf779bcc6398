using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Operations;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Operations;

/// <summary>The dashboard's queries read index ranges of the migrated database, never a whole table.</summary>
[Trait("Storage", TestStorage.SqliteOnly)]
public sealed class OperationsQueryPlanTests : IAsyncLifetime
{
    private OrchestratorHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await OrchestratorHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(nameof(OperationsSql.OpenTasks), "approval_tasks USING INDEX ix_tasks_status_opened")]
    [InlineData(nameof(OperationsSql.PendingByRisk), "approval_tasks USING INDEX")]
    // SQLite names an aliased table by its alias only (3.36+: "SEARCH e USING INDEX …").
    [InlineData(nameof(OperationsSql.Decisions), "e USING INDEX ix_audit_events_kind_at")]
    [InlineData(nameof(OperationsSql.EventTimes), "audit_events USING COVERING INDEX ix_audit_events_kind_at")]
    public async Task Each_dashboard_query_reads_an_index(string query, string expected)
    {
        var sql = query switch
        {
            nameof(OperationsSql.Decisions) => OperationsSql.Decisions(Runtime.Storage.Sqlite.SqliteDialect.Instance),
            nameof(OperationsSql.PendingByRisk) => OperationsSql.PendingByRisk(TimeBuckets.AgeBands.Count),
            _ => (string)typeof(OperationsSql).GetField(query)!.GetValue(null)!,
        };
        await using var connection = _host.Database.Open();
        // Rows of (id, parent, notused, detail): the detail says how each table is read.
        var plan = (await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>($"EXPLAIN QUERY PLAN {sql}", new { kind = "decision", since = "2026-01-01", take = 10, t1 = "2026-01-01", t2 = "2026-01-01", t3 = "2026-01-01", t4 = "2026-01-01" }))
            .Select(r => r.Detail).ToList();
        Assert.True(plan.Any(step => step.Contains(expected, StringComparison.Ordinal)), string.Join(" | ", plan));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal));
    }
}
