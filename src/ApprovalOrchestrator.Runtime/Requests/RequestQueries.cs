using System.Text.Json;
using ApprovalOrchestrator.Core.Audit;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Requests;

/// <summary>Read side of the API: requests, tasks and audit trail, straight from committed rows.</summary>
public sealed class RequestQueries(SqliteDatabase database)
{
    private const string AuditSelect =
        "SELECT instance_id AS InstanceId, seq AS Seq, kind AS Kind, actor AS Actor, at AS At, definition_id AS DefinitionId, " +
        "definition_version AS DefinitionVersion, definition_hash AS DefinitionHash, data AS Data, prev_hash AS PrevHash, hash AS Hash FROM audit_events";

    public async Task<RequestView?> GetAsync(Guid id)
    {
        await using var connection = database.Open();
        var instance = await InstanceRepository.LoadAsync(connection, null, id);
        return instance is null ? null : ToView(instance, await AuditAsync(connection, id));
    }

    public async Task<Page<RequestView>> ListAsync(string? status, string? risk, int offset, int limit)
    {
        await using var connection = database.Open();
        var filter = new { status, risk, offset, limit };
        const string where = "WHERE (@status IS NULL OR status = @status) AND (@risk IS NULL OR risk = @risk)";
        var total = await connection.ExecuteScalarAsync<int>($"SELECT COUNT(*) FROM instances {where}", filter);
        var states = await connection.QueryAsync<string>($"SELECT state FROM instances {where} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset", filter);
        var items = states.Select(s => ToView(Json.Deserialize<WorkflowInstance>(s), [])).ToList();
        return new Page<RequestView>(items, total, offset, limit);
    }

    public async Task<Page<TaskView>> TasksAsync(string? status, string? group, int offset, int limit)
    {
        await using var connection = database.Open();
        var filter = new { status, group, offset, limit };
        const string where = "WHERE (@status IS NULL OR t.status = @status) AND (@group IS NULL OR t.group_name = @group)";
        var total = await connection.ExecuteScalarAsync<int>($"SELECT COUNT(*) FROM approval_tasks t {where}", filter);
        var rows = await connection.QueryAsync<(string TaskId, string State)>(
            $"SELECT t.id, i.state FROM approval_tasks t JOIN instances i ON i.id = t.instance_id {where} ORDER BY t.due_at, t.id LIMIT @limit OFFSET @offset", filter);
        var items = rows.Select(r =>
        {
            var instance = Json.Deserialize<WorkflowInstance>(r.State);
            return ToTaskView(instance, instance.FindTask(Guid.Parse(r.TaskId))!);
        }).ToList();
        return new Page<TaskView>(items, total, offset, limit);
    }

    public async Task<Guid?> FindTaskInstanceAsync(Guid taskId)
    {
        await using var connection = database.Open();
        var id = await connection.QuerySingleOrDefaultAsync<string>("SELECT instance_id FROM approval_tasks WHERE id = @id", new { id = taskId.ToString() });
        return id is null ? null : Guid.Parse(id);
    }

    /// <summary>Audit events in commit order (for one request, or all), streamed so an export does not load everything.</summary>
    public async IAsyncEnumerable<AuditView> AuditStreamAsync(Guid? requestId)
    {
        await using var connection = database.Open();
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
        await using var connection = database.Open();
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

    private static RequestView ToView(WorkflowInstance i, IReadOnlyList<AuditView> timeline)
    {
        var c = i.Classification;
        return new RequestView(
            i.Id, i.Request.RequestId, i.Status.ToWire(), i.Request.Requester, i.Request.AgentId, i.Request.Text, i.Request.Tool,
            c?.Risk.ToString().ToLowerInvariant(), c?.Category, OutcomeMessages.Reason(i) ?? c?.Reason, c?.Confidence,
            c?.MatchedRuleIds ?? [], c?.MatchedTerms ?? [],
            new WorkflowView(i.Definition.Id, i.Definition.Version, i.Definition.Hash),
            i.Tasks.Select(t => ToTaskView(i, t, includeText: false)).ToList(),
            timeline,
            i.Execution?.Result?.Outcome,
            i.CreatedAt,
            i.UpdatedAt);
    }

    private static TaskView ToTaskView(WorkflowInstance i, ApprovalTask t, bool includeText = true) => new(
        t.Id, i.Id, t.Status.ToString().ToLowerInvariant(), t.Tier, t.Group, t.RequiredApprovals, t.ApproversAtCurrentTier,
        t.OpenedAt, t.DueAt, i.Classification?.Risk.ToString().ToLowerInvariant(), includeText ? i.Request.Text : null, t.Decisions);

    private sealed record AuditRow(string InstanceId, long Seq, string Kind, string Actor, string At, string DefinitionId, long DefinitionVersion, string DefinitionHash, string Data, string PrevHash, string Hash)
    {
        public AuditView ToView() => new(Guid.Parse(InstanceId), (int)Seq, Kind, Actor, Timestamps.Parse(At), DefinitionId, (int)DefinitionVersion, DefinitionHash, JsonDocument.Parse(Data).RootElement.Clone(), PrevHash, Hash);
    }
}
