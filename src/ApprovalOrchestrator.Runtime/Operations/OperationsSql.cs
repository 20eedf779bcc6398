namespace ApprovalOrchestrator.Runtime.Operations;

using ApprovalOrchestrator.Runtime.Storage;

/// <summary>The dashboard's SQL, named so a test can ask the database for each plan and prove it reads an index range.</summary>
public static class OperationsSql
{
    /// <summary>Open tasks, oldest first (<c>ix_tasks_status_opened</c>).</summary>
    public const string OpenTasks =
        "SELECT id, instance_id, group_name, tier, risk, opened_at, due_at FROM approval_tasks WHERE status = 'open' ORDER BY opened_at, id";

    /// <summary>Decisions since <c>@since</c> with their task's opening time (<c>ix_audit_events_kind_at</c>, then the task's key).</summary>
    public static string Decisions(SqlDialect sql) => $"""
        SELECT e.at, t.opened_at, {sql.JsonText("e.data", "group")}, {sql.JsonText("e.data", "tier")}
        FROM audit_events e JOIN approval_tasks t ON t.id = {sql.JsonText("e.data", "taskId")}
        WHERE e.kind = @kind AND e.at >= @since
        """;

    /// <summary>When each event of <c>@kind</c> since <c>@since</c> happened (<c>ix_audit_events_kind_at</c>).</summary>
    public const string EventTimes = "SELECT at FROM audit_events WHERE kind = @kind AND at >= @since";
}
