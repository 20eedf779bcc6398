using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Integration.Tests.Storage;

/// <summary>
/// The inbox's branches and the request list's pages read one index range each in the list's order, on the migrated
/// database of either provider: no table scan, no sort of the matches. (PostgreSQL is asked with sequential scans and
/// sorts priced out, since on an empty table any plan is as cheap; the point is that an index serves the query as it
/// stands. The pending benchmark shows the plans it picks on a million rows.)
/// </summary>
public sealed class KeysetQueryPlanTests : IAsyncLifetime
{
    private OrchestratorHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await OrchestratorHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<bool, bool> Pages => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_inbox_branch_reads_its_index_in_due_order(bool withCursor, bool withRisk)
    {
        var page = new PageRequest(50, withCursor ? PageCursor.After(DateTimeOffset.UtcNow, Guid.NewGuid()) : null);
        var query = new InboxSql(_host.Database.Sql, new InboxQuery("tina", ["team-leads", "managers"], ["dora"], "open", withRisk ? "amber" : null, null, ["ron"]), page);

        Assert.Equal(4, query.Branches.Count);
        for (var n = 0; n < query.Branches.Count; n++)
        {
            var expected = n < 2 ? "ix_tasks_inbox_group" : "ix_tasks_inbox_assigned";
            await AssertIndexedAsync(query.Branches[n], query.Parameters, expected);
        }
    }

    [Theory]
    [InlineData(null, null, "ix_instances_created_id")]
    [InlineData("awaiting-approval", null, "ix_instances_status_created")]
    [InlineData(null, "requester0007", "ix_instances_requester_created")]
    public async Task Every_request_list_page_reads_its_index_newest_first(string? status, string? requester, string expected)
    {
        foreach (var after in new[] { null, PageCursor.After(DateTimeOffset.UtcNow, Guid.NewGuid()) })
        {
            var filter = new RequestFilter(Status: status, Requester: requester);
            var page = new PageRequest(50, after);
            await AssertIndexedAsync(RequestListSql.Page(filter, page), filter.ToParameters(page), expected);
        }
    }

    private async Task AssertIndexedAsync(string sql, object parameters, string index)
    {
        await using var connection = _host.Database.Open();
        List<string> plan;
        if (_host.Database.Provider == StorageOptions.Postgres)
        {
            await connection.ExecuteAsync("SET enable_seqscan = off; SET enable_sort = off; SET enable_incremental_sort = off");
            plan = (await connection.QueryAsync<string>($"EXPLAIN {sql}", parameters)).ToList();
            await connection.ExecuteAsync("RESET enable_seqscan; RESET enable_sort; RESET enable_incremental_sort");
            Assert.True(plan.Any(step => step.Contains(index, StringComparison.Ordinal)), string.Join("\n", plan));
            Assert.DoesNotContain(plan, step => step.Contains("Seq Scan on approval_tasks", StringComparison.Ordinal) || step.Contains("Seq Scan on instances", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("Sort", StringComparison.Ordinal));
            return;
        }

        plan = (await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>($"EXPLAIN QUERY PLAN {sql}", parameters)).Select(r => r.Detail).ToList();
        Assert.True(plan.Any(step => step.Contains(index, StringComparison.Ordinal)), string.Join(" | ", plan));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ", StringComparison.Ordinal) && !step.Contains("INDEX", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }
}
