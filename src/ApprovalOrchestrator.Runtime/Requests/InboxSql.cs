using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Requests;

/// <summary>
/// The inbox as index ranges. A task is visible through exactly one branch: unassigned in one of the caller's effective
/// groups (<c>ix_tasks_inbox_group</c>: status, group_name, due_at, id; partial, where unassigned), or assigned to the caller or to
/// someone who delegated to them (<c>ix_tasks_inbox_assigned</c>: status, assigned_to, due_at, id; partial, where assigned). Each branch reads
/// its range in (due_at, id) order from the cursor on and stops after a page; the union of those few short lists is
/// sorted and cut to the page. The requester rule (never one's own requests, nor those of anyone tied by delegation)
/// is checked on the instance row of each candidate, by primary key. Same rule as before, in SQL over indexed columns.
/// </summary>
internal sealed class InboxSql
{
    private readonly List<string> _branches = [];
    private readonly List<string> _countBranches = [];

    public InboxSql(SqlDialect sql, InboxQuery inbox, PageRequest page)
    {
        Parameters.Add("Status", inbox.Status ?? "open");
        Parameters.Add("Risk", inbox.Risk);
        Parameters.Add("Group", inbox.Group);
        Parameters.Add("Tied", (inbox.TiedRequesters ?? []).Append(inbox.User).Distinct(StringComparer.Ordinal).ToArray());
        Parameters.Add("AfterKey", page.After?.Key);
        Parameters.Add("AfterId", page.After?.Id.ToString());
        // Each branch must yield everything the page may need: the skipped rows too, when an old client pages by offset.
        Parameters.Add("Take", page.Offset + page.Limit + 1);
        Parameters.Add("Limit", page.Limit + 1);
        Parameters.Add("Offset", page.Offset);
        Parameters.Add("Cap", PageRequest.CountCap + 1);

        var common = "t.status = @Status"
            + (inbox.Risk is null ? "" : " AND t.risk = @Risk")
            + $" AND {sql.NotIn("i.requester", "@Tied")}";
        var after = page.After is null ? "" : " AND (t.due_at, t.id) > (@AfterKey, @AfterId)";
        var groups = inbox.Groups.Where(g => inbox.Group is null || g == inbox.Group).Distinct(StringComparer.Ordinal).ToList();
        for (var n = 0; n < groups.Count; n++)
        {
            Parameters.Add($"g{n}", groups[n]);
            Add($"{common} AND t.assigned_to IS NULL AND t.group_name = @g{n}", after);
        }

        var persons = inbox.Persons.Append(inbox.User).Distinct(StringComparer.Ordinal).ToList();
        for (var n = 0; n < persons.Count; n++)
        {
            Parameters.Add($"p{n}", persons[n]);
            Add($"{common} AND t.assigned_to = @p{n}" + (inbox.Group is null ? "" : " AND t.group_name = @Group"), after);
        }
    }

    public DynamicParameters Parameters { get; } = new();

    /// <summary>The page's task ids and due times, in inbox order (one more than the page, to tell whether there is a next).</summary>
    public string Page() =>
        string.Join(" UNION ALL ", _branches.Select((b, n) => $"SELECT id, due_at FROM ({b}) AS b{n}")) + " ORDER BY due_at, id LIMIT @Limit OFFSET @Offset";

    /// <summary>The visible tasks, each branch counted up to <see cref="PageRequest.CountCap"/> + 1.</summary>
    public string Count() => "SELECT " + string.Join(" + ", _countBranches.Select(b => $"(SELECT COUNT(*) FROM ({b}) AS c)"));

    /// <summary>Each branch's SQL, for the query-plan tests.</summary>
    public IReadOnlyList<string> Branches => _branches;

    private void Add(string where, string after)
    {
        const string From = "FROM approval_tasks t JOIN instances i ON i.id = t.instance_id";
        _branches.Add($"SELECT t.id, t.due_at {From} WHERE {where}{after} ORDER BY t.due_at, t.id LIMIT @Take");
        _countBranches.Add($"SELECT 1 {From} WHERE {where} LIMIT @Cap");
    }
}
