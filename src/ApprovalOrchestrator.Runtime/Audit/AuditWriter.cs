using System.Data;
using ApprovalOrchestrator.Core.Audit;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>Appends to an instance's hash chain, and to the signed log, inside the step's transaction.</summary>
internal static class AuditWriter
{
    public static async Task AppendAsync(
        IDbConnection connection, IDbTransaction tx, Guid instanceId, DefinitionRef definition,
        string kind, string actor, DateTimeOffset at, IReadOnlyDictionary<string, object?> data, AuditHeads? heads = null)
    {
        int seq;
        string previous;
        if (heads is not null && heads.TryGet(instanceId, out var known))
        {
            (seq, previous) = (known.Seq + 1, known.Hash);
        }
        else
        {
            var head = await connection.QuerySingleOrDefaultAsync<(long Seq, string Hash)?>(
                "SELECT seq, hash FROM audit_events WHERE instance_id = @id ORDER BY seq DESC LIMIT 1", new { id = instanceId.ToString() }, tx);
            seq = (int)(head?.Seq ?? 0) + 1;
            previous = head?.Hash ?? AuditChain.Genesis;
        }

        // Hash the instant exactly as it will be read back, so verification recomputes the same text.
        var stored = Timestamps.Parse(Timestamps.ToText(at));
        var atText = Timestamps.ToText(stored);
        var dataJson = Json.Serialize(data);
        var hash = AuditChain.ComputeHash(previous, instanceId, seq, kind, actor, stored, definition.Id, definition.Version, definition.Hash, dataJson);
        var id = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO audit_events (instance_id, seq, kind, actor, at, definition_id, definition_version, definition_hash, data, prev_hash, hash)
            VALUES (@InstanceId, @Seq, @Kind, @Actor, @At, @DefinitionId, @DefinitionVersion, @DefinitionHash, @Data, @PrevHash, @Hash)
            RETURNING id
            """,
            new
            {
                InstanceId = instanceId.ToString(),
                Seq = seq,
                Kind = kind,
                Actor = actor,
                At = atText,
                DefinitionId = definition.Id,
                DefinitionVersion = definition.Version,
                DefinitionHash = definition.Hash,
                Data = dataJson,
                PrevHash = previous,
                Hash = hash,
            },
            tx);
        heads?.Set(instanceId, seq, hash);
        var entry = LogEntries.ForRequestEvent(instanceId, seq, kind, actor, atText, definition.Id, definition.Version, definition.Hash, LogEntries.ContentHash(dataJson), previous, hash);
        await AuditLog.AppendAsync(connection, tx, LogEntries.RequestEvent, id.ToString(System.Globalization.CultureInfo.InvariantCulture), instanceId, entry);
    }
}
