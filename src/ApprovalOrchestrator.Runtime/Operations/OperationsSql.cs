namespace ApprovalOrchestrator.Runtime.Operations;

using ApprovalOrchestrator.Runtime.Storage;

/// <summary>The dashboard's SQL, named so a test can ask the database for each plan and prove it reads an index range.</summary>
public static class OperationsSql
{
    /// <summary>The oldest open tasks, oldest first (<c>ix_tasks_status_opened</c>), <c>@take</c> of them.</summary>
    public const string OpenTasks =
        "SELECT id, instance_id, group_name, tier, risk, opened_at, due_at FROM approval_tasks WHERE status = 'open' ORDER BY opened_at, id LIMIT @take";

    /// <summary>
    /// Open tasks counted per risk and age band (<c>@t1</c>… are the bands' boundaries as opening times, newest first):
    /// counted by the database, so the dashboard holds five numbers per risk however many tasks wait, never the tasks.
    /// </summary>
    public static string PendingByRisk(int bands)
    {
        var columns = Enumerable.Range(0, bands).Select(i =>
        {
            var newer = i == bands - 1 ? null : $"opened_at > @t{i + 1}";
            var older = i == 0 ? null : $"opened_at <= @t{i}";
            var condition = string.Join(" AND ", new[] { older, newer }.Where(c => c is not null));
            return $"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS b{i}";
        });
        return $"SELECT COALESCE(risk, 'unclassified') AS risk, {string.Join(", ", columns)} FROM approval_tasks WHERE status = 'open' GROUP BY COALESCE(risk, 'unclassified')";
    }

    /// <summary>Decisions since <c>@since</c> with their task's opening time (<c>ix_audit_events_kind_at</c>, then the task's key).</summary>
    public static string Decisions(SqlDialect sql) => $"""
        SELECT e.at, t.opened_at, {sql.JsonText("e.data", "group")}, {sql.JsonText("e.data", "tier")}
        FROM audit_events e JOIN approval_tasks t ON t.id = {sql.JsonText("e.data", "taskId")}
        WHERE e.kind = @kind AND e.at >= @since
        """;

    /// <summary>When each event of <c>@kind</c> since <c>@since</c> happened (<c>ix_audit_events_kind_at</c>).</summary>
    public const string EventTimes = "SELECT at FROM audit_events WHERE kind = @kind AND at >= @since";
}
