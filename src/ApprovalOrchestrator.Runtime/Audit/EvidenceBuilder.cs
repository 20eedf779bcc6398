using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>
/// Builds evidence bundles: the subject's leaves (found through the log, so a leaf whose event row was deleted still
/// shows, as missing), each entry rebuilt from its row, with an inclusion proof against a checkpoint that covers them
/// all (signed on demand when the latest does not yet).
/// </summary>
public sealed class EvidenceBuilder(Database database, CheckpointService checkpoints)
{
    private const string Leaves =
        $"SELECT l.idx AS LeafIndex, {LogSources.AuditEventColumns} FROM log_leaves l LEFT JOIN audit_events e ON e.id = CAST(l.source_id AS INTEGER) " +
        "WHERE l.source = 'request-event' AND ";

    /// <summary>The bundle for one request; null when the request is unknown to the log and the database.</summary>
    public async Task<EvidenceBundle?> ForRequestAsync(Guid requestId, long? since)
    {
        await using var connection = await database.OpenAsync();
        var rows = (await connection.QueryAsync<LeafRow>(Leaves + "l.instance_id = @id ORDER BY l.idx", new { id = requestId.ToString() })).ToList();
        if (rows.Count == 0 && await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM instances WHERE id = @id", new { id = requestId.ToString() }) == 0)
        {
            return null;
        }

        return await BuildAsync(new EvidenceSubject(RequestId: requestId), rows, since);
    }

    /// <summary>Everything of the requests matching the filter (agent, requester, received from/to), in log order.</summary>
    public async Task<EvidenceBundle> ForFilterAsync(RequestFilter filter, long? since)
    {
        await using var connection = await database.OpenAsync();
        var rows = (await connection.QueryAsync<LeafRow>(
            Leaves + $"l.instance_id IN (SELECT id FROM instances {RequestFilter.Where}) ORDER BY l.idx", filter.ToParameters(0, -1))).ToList();
        return await BuildAsync(new EvidenceSubject(Agent: filter.Agent, Requester: filter.Requester, From: filter.From, To: filter.To), rows, since);
    }

    private async Task<EvidenceBundle> BuildAsync(EvidenceSubject subject, List<LeafRow> rows, long? since)
    {
        var latest = await checkpoints.LatestAsync();
        var needed = rows.Count == 0 ? 0 : rows[^1].LeafIndex + 1;
        if (latest is null || latest.Size < needed || (since is { } s && latest.Size < s))
        {
            latest = await checkpoints.SignAsync();
        }

        if (since is { } from && (from < 0 || from > latest.Size))
        {
            throw new EvidenceRangeException($"since={from} is beyond the log's latest checkpoint ({latest.Size} entries): the log is shorter than a checkpoint you hold");
        }

        await using var connection = await database.OpenAsync();
        var nodes = new StoredMerkleNodes(connection, null);
        var events = rows.Select(r => r.Id is null
            ? new EvidenceEvent(r.LeafIndex, null, null, Proof(nodes, r.LeafIndex, latest.Size), "the log has this leaf but its audit_events row is gone")
            : r.Row().Erased
                ? new EvidenceEvent(r.LeafIndex, r.Row().Entry(), null, Proof(nodes, r.LeafIndex, latest.Size), Erased: "content erased under the retention policy; the entry keeps its hash")
                : new EvidenceEvent(r.LeafIndex, r.Row().Entry(), r.Data, Proof(nodes, r.LeafIndex, latest.Size))).ToList();
        var consistency = since is { } m
            ? new EvidenceConsistency(m, MerkleTree.ConsistencyProof(nodes, m, latest.Size).Select(Convert.ToBase64String).ToList())
            : null;
        return new EvidenceBundle(EvidenceBundle.CurrentFormat, subject, latest.Note, events, consistency);
    }

    private static List<string> Proof(StoredMerkleNodes nodes, long index, long size) =>
        MerkleTree.InclusionProof(nodes, index, size).Select(Convert.ToBase64String).ToList();

    private sealed record LeafRow(
        long LeafIndex, long? Id, string? InstanceId, long? Seq, string? Kind, string? Actor, string? At, string? DefinitionId, long? DefinitionVersion,
        string? DefinitionHash, string? Data, string? PrevHash, string? Hash)
    {
        public AuditEventRow Row() => new(Id!.Value, InstanceId!, Seq!.Value, Kind!, Actor!, At!, DefinitionId!, DefinitionVersion!.Value, DefinitionHash!, Data!, PrevHash!, Hash!);
    }
}

/// <summary>The auditor asked for a range the log cannot prove (e.g. a tree size it no longer has).</summary>
public sealed class EvidenceRangeException(string message) : Exception(message);
