using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Audit;
using ApprovalOrchestrator.Core.Review;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Requests;

/// <summary>
/// Who is asking for an inbox: their own groups plus delegated ones, and the people who delegated to them.
/// <see cref="TiedRequesters"/> are the requesters whose tasks the caller may not see (themselves, and everyone on a
/// delegation chain into them: <c>DelegationGraph.TiedRequesters</c>); the caller alone when not given. A null
/// <see cref="Status"/> means open tasks (each page reads one status's index range).
/// </summary>
public sealed record InboxQuery(string User, IReadOnlyCollection<string> Groups, IReadOnlyCollection<string> Persons, string? Status, string? Risk, string? Group, IReadOnlyCollection<string>? TiedRequesters = null);

/// <summary>Read side of the API: requests, tasks and audit trail, straight from committed rows.</summary>
public sealed class RequestQueries(Database database, TimeProvider clock)
{
    private const string AuditSelect =
        "SELECT instance_id AS InstanceId, seq AS Seq, kind AS Kind, actor AS Actor, at AS At, definition_id AS DefinitionId, " +
        "definition_version AS DefinitionVersion, definition_hash AS DefinitionHash, data AS Data, prev_hash AS PrevHash, hash AS Hash FROM audit_events";

    public async Task<RequestView?> GetAsync(Guid id)
    {
        await using var connection = await database.OpenAsync();
        var instance = await InstanceRepository.LoadAsync(connection, null, id);
        return instance is null ? null : ToView(instance, await AuditAsync(connection, id), clock.GetUtcNow());
    }

    /// <summary>Requests, newest first; <paramref name="requester"/> narrows to one person's own (for submit-only callers).</summary>
    public Task<Page<RequestView>> ListAsync(string? status, string? risk, PageRequest page, string? requester = null) =>
        SearchAsync(new RequestFilter(Status: status, Risk: risk, Requester: requester), page);

    /// <summary>Requests matching <paramref name="filter"/> (every criterion optional), newest first: the auditor's search.</summary>
    public async Task<Page<RequestView>> SearchAsync(RequestFilter filter, PageRequest page)
    {
        await using var connection = await database.OpenAsync();
        var (total, exact) = Capped(await connection.ExecuteScalarAsync<int>(RequestListSql.Count(filter), filter.ToParameters(page)));
        var rows = (await connection.QueryAsync<(object State, string CreatedAt, string Id)>(RequestListSql.Page(filter, page), filter.ToParameters(page))).ToList();
        var now = clock.GetUtcNow();
        var items = rows.Take(page.Limit).Select(r => ToView(InstanceState.Decode(r.State), [], now)).ToList();
        var next = rows.Count > page.Limit ? new PageCursor(rows[page.Limit - 1].CreatedAt, Guid.Parse(rows[page.Limit - 1].Id)).Encode() : null;
        return new Page<RequestView>(items, total, page.Offset, page.Limit, next, exact);
    }

    /// <summary>The audit events of every request matching <paramref name="filter"/>, in commit order, streamed (the filtered export).</summary>
    public async IAsyncEnumerable<AuditView> AuditStreamAsync(RequestFilter filter)
    {
        await using var connection = await database.OpenAsync();
        var rows = connection.QueryUnbufferedAsync<AuditRow>(
            AuditSelect + $" WHERE instance_id IN (SELECT id FROM instances {RequestFilter.Where}) ORDER BY id",
            filter.ToParameters(0, -1));
        await foreach (var row in rows)
        {
            yield return row.ToView();
        }
    }

    /// <summary>
    /// The tasks <paramref name="inbox"/>'s caller may act on: open to one of their effective groups (their own and
    /// those delegated to them) and not assigned to someone else, or assigned to them or to someone who delegated to
    /// them; never tasks of their own requests, nor of anyone on a delegation chain into them. Sorted by due time, then
    /// id; each group and each person is one index range (<see cref="InboxSql"/>), merged in SQL.
    /// </summary>
    public async Task<Page<TaskView>> InboxAsync(InboxQuery inbox, PageRequest page)
    {
        await using var connection = await database.OpenAsync();
        var query = new InboxSql(database.Sql, inbox, page);
        var (total, exact) = Capped(await connection.ExecuteScalarAsync<int>(query.Count(), query.Parameters));
        var keys = (await connection.QueryAsync<(string Id, string DueAt)>(query.Page(), query.Parameters)).ToList();
        var shown = keys.Take(page.Limit).Select(k => k.Id).ToArray();
        var states = (await connection.QueryAsync<(string TaskId, object State)>(
            $"SELECT t.id, i.state FROM approval_tasks t JOIN instances i ON i.id = t.instance_id WHERE {database.Sql.In("t.id", "@shown")}", new { shown }))
            .ToDictionary(r => r.TaskId, r => r.State, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var items = shown.Where(states.ContainsKey).Select(id =>
        {
            var instance = InstanceState.Decode(states[id]);
            return ToTaskView(instance, instance.FindTask(Guid.Parse(id))!, now);
        }).ToList();
        var next = keys.Count > page.Limit ? new PageCursor(keys[page.Limit - 1].DueAt, Guid.Parse(keys[page.Limit - 1].Id)).Encode() : null;
        return new Page<TaskView>(items, total, page.Offset, page.Limit, next, exact);
    }

    /// <summary>A count made with <c>LIMIT CountCap + 1</c>: the total, and whether it is exact.</summary>
    private static (int Total, bool Exact) Capped(int counted) => (Math.Min(counted, PageRequest.CountCap), counted <= PageRequest.CountCap);

    /// <summary>One task, with the instance it belongs to (for access checks).</summary>
    public async Task<(TaskView View, WorkflowInstance Instance)?> GetTaskAsync(Guid taskId)
    {
        await using var connection = await database.OpenAsync();
        var state = await connection.ExecuteScalarAsync<object>(
            "SELECT i.state FROM approval_tasks t JOIN instances i ON i.id = t.instance_id WHERE t.id = @id", new { id = taskId.ToString() });
        if (state is null or DBNull)
        {
            return null;
        }

        var instance = InstanceState.Decode(state);
        return (ToTaskView(instance, instance.FindTask(taskId)!, clock.GetUtcNow()), instance);
    }

    public async Task<Guid?> FindTaskInstanceAsync(Guid taskId)
    {
        await using var connection = await database.OpenAsync();
        var id = await connection.QuerySingleOrDefaultAsync<string>("SELECT instance_id FROM approval_tasks WHERE id = @id", new { id = taskId.ToString() });
        return id is null ? null : Guid.Parse(id);
    }

    /// <summary>Audit events in commit order (for one request, or all), streamed so an export does not load everything.</summary>
    public async IAsyncEnumerable<AuditView> AuditStreamAsync(Guid? requestId)
    {
        await using var connection = await database.OpenAsync();
        var rows = connection.QueryUnbufferedAsync<AuditRow>(
            AuditSelect + " WHERE (@id IS NULL OR instance_id = @id) ORDER BY id",
            new { id = requestId?.ToString() });
        await foreach (var row in rows)
        {
            yield return row.ToView();
        }
    }

    /// <summary>Recomputes every instance's hash chain. Returns the instances whose chain is broken, with the first bad sequence number.</summary>
    public async Task<(int Instances, int Events, IReadOnlyList<(Guid RequestId, int Seq)> Broken)> VerifyAuditAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = (await connection.QueryAsync<AuditRow>(
            AuditSelect + " ORDER BY instance_id, seq")).ToList();
        var broken = new List<(Guid, int)>();
        var groups = rows.GroupBy(r => r.InstanceId).ToList();
        foreach (var chain in groups)
        {
            var records = chain.Select(r => new AuditRecord(Guid.Parse(r.InstanceId), (int)r.Seq, r.Kind, r.Actor, Timestamps.Parse(r.At), r.DefinitionId, (int)r.DefinitionVersion, r.DefinitionHash, r.Data, r.PrevHash, r.Hash)).ToList();
            if (AuditChain.FindBreak(records) is int seq)
            {
                broken.Add((Guid.Parse(chain.Key), seq));
            }
        }

        return (groups.Count, rows.Count, broken);
    }

    private static async Task<IReadOnlyList<AuditView>> AuditAsync(System.Data.IDbConnection connection, Guid id) =>
        (await connection.QueryAsync<AuditRow>(
            AuditSelect + " WHERE instance_id = @id ORDER BY seq",
            new { id = id.ToString() })).Select(r => r.ToView()).ToList();

    private static RequestView ToView(WorkflowInstance i, IReadOnlyList<AuditView> timeline, DateTimeOffset now)
    {
        var c = i.Classification;
        return new RequestView(
            i.Id, i.Request.ClientRequestId, i.Status.ToWire(), i.Request.Requester, i.Request.AgentId, i.Request.Text, i.Request.Tool,
            c?.Risk.ToString().ToLowerInvariant(), c?.Category, OutcomeMessages.Reason(i) ?? c?.Reason, c?.Confidence,
            c?.MatchedRuleIds ?? [], c?.MatchedTerms ?? [],
            new WorkflowView(i.Definition.Id, i.Definition.Version, i.Definition.Hash),
            i.Tasks.Select(t => ToTaskView(i, t, now, includeText: false)).ToList(),
            timeline,
            i.Execution?.Result?.Outcome,
            i.CreatedAt,
            i.UpdatedAt,
            GuardrailsView.Of(c?.Guardrails),
            i.Execution?.Result?.Runtime,
            c?.Budget);
    }

    private static TaskView ToTaskView(WorkflowInstance i, ApprovalTask t, DateTimeOffset now, bool includeText = true)
    {
        var c = i.Classification;
        var approvals = t.ApproversAtCurrentTier;
        var open = t.Status == ApprovalTaskStatus.Open;
        return new TaskView(
            t.Id, i.Id, t.Status.ToString().ToLowerInvariant(), t.Tier, t.Group, t.AssignedTo, t.RequiredApprovals, approvals,
            Math.Max(0, t.RequiredApprovals - approvals.Count), t.OpenedAt, t.DueAt,
            open ? Math.Max(0, (long)(t.DueAt - now).TotalSeconds) : null,
            c?.Risk.ToString().ToLowerInvariant(), c?.Reason, c?.MatchedRuleIds ?? [], i.Request.Requester, i.Request.AgentId,
            // As submitted, unredacted (an approver shown only "[email]" could not tell who a send goes to); Sent below is
            // what leaves and what the action hash covers. Without guardrails the two are the same.
            includeText ? i.Request.Text : null,
            includeText && i.Request.Tool is { } tool ? new ToolView(tool.Name, tool.Action, tool.Args is { } args ? JsonNode.Parse(args.GetRawText()) : null) : null,
            t.ActionHash, open ? t.ActiveClaim(now) : null, t.Decisions,
            includeText ? VisibleText.Reveal(i.Request.Text) : null,
            includeText ? VisibleText.Find(ReviewedStrings(i.Request)) : [],
            includeText ? Sent(SentAction.Of(i)) : null,
            GuardrailsView.Of(c?.Guardrails),
            c?.Budget);
    }

    private static SentView Sent(AgentRequest sent) => new(
        sent.Text,
        sent.Tool is { } tool ? new ToolView(tool.Name, tool.Action, tool.Args is { } args ? JsonNode.Parse(args.GetRawText()) : null) : null,
        VisibleText.Reveal(sent.Text));

    /// <summary>Every string an approver reviews: the text, the tool's name and action, and each arg's names and string values.</summary>
    private static IEnumerable<string> ReviewedStrings(AgentRequest request)
    {
        yield return request.Text;
        if (request.Tool is not { } tool)
        {
            yield break;
        }

        yield return tool.Name;
        if (tool.Action is { } action)
        {
            yield return action;
        }

        if (tool.Args is { } args)
        {
            foreach (var s in Strings(args))
            {
                yield return s;
            }
        }

        static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Strings(p.Value).Prepend(p.Name)),
            JsonValueKind.Array => e.EnumerateArray().SelectMany(Strings),
            JsonValueKind.String => [e.GetString()!],
            _ => [],
        };
    }

    private sealed record AuditRow(string InstanceId, long Seq, string Kind, string Actor, string At, string DefinitionId, long DefinitionVersion, string DefinitionHash, string Data, string PrevHash, string Hash)
    {
        public AuditView ToView() => new(Guid.Parse(InstanceId), (int)Seq, Kind, Actor, Timestamps.Parse(At), DefinitionId, (int)DefinitionVersion, DefinitionHash, JsonDocument.Parse(Data).RootElement.Clone(), PrevHash, Hash);
    }
}
