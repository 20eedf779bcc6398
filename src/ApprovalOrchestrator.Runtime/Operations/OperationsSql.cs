namespace ApprovalOrchestrator.Runtime.Operations;

/// <summary>The dashboard's SQL, named so a test can ask SQLite for each plan and prove it reads an index range.</summary>
public static class OperationsSql
{
    /// <summary>Open tasks, oldest first (<c>ix_tasks_status_opened</c>).</summary>
    public const string OpenTasks =
        "SELECT id, instance_id, group_name, tier, risk, opened_at, due_at FROM approval_tasks WHERE status = 'open' ORDER BY opened_at, id";

    /// <summary>Decisions since <c>@since</c> with their task's opening time (<c>ix_audit_events_kind_at</c>, then the task's key).</summary>
    public const string Decisions = """
        SELECT e.at, t.opened_at, json_extract(e.data, '$.group'), json_extract(e.data, '$.tier')
        FROM audit_events e JOIN approval_tasks t ON t.id = json_extract(e.data, '$.taskId')
        WHERE e.kind = @kind AND e.at >= @since
        """;

    /// <summary>When each event of <c>@kind</c> since <c>@since</c> happened (<c>ix_audit_events_kind_at</c>).</summary>
    public const string EventTimes = "SELECT at FROM audit_events WHERE kind = @kind AND at >= @since";
}
