namespace ApprovalOrchestrator.Runtime.Requests;

/// <summary>
/// The request list's SQL: newest first by (created_at, id), the page after the cursor read backwards along
/// <c>ix_instances_created_id</c>, or <c>ix_instances_status_created</c> / <c>ix_instances_requester_created</c> when
/// the list is narrowed to a status or a requester. Other criteria (risk, agent) filter that range as it is read.
/// </summary>
public static class RequestListSql
{
    public static string Page(RequestFilter filter, PageRequest page) =>
        $"SELECT state, created_at, id FROM instances {Where(filter, page.After)} ORDER BY created_at DESC, id DESC LIMIT @take OFFSET @offset";

    /// <summary>The matches, counted up to <see cref="PageRequest.CountCap"/> + 1 (the cursor does not narrow the total).</summary>
    public static string Count(RequestFilter filter) =>
        $"SELECT COUNT(*) FROM (SELECT 1 FROM instances {Where(filter, null)} LIMIT @cap) AS matches";

    private static string Where(RequestFilter filter, PageCursor? after)
    {
        var conditions = filter.Conditions().ToList();
        if (after is not null)
        {
            conditions.Add("(created_at, id) < (@afterKey, @afterId)");
        }

        return conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
    }
}
