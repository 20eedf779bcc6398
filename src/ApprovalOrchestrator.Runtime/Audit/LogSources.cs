using System.Data;
using System.Globalization;
using ApprovalOrchestrator.Core.Audit.Log;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>
/// Rebuilds each source row's canonical log entry, exactly as its writer built it, for evidence and for the backfill
/// of databases made before the log existed.
/// </summary>
internal static class LogSources
{
    public const string AuditEventColumns =
        "e.id AS Id, e.instance_id AS InstanceId, e.seq AS Seq, e.kind AS Kind, e.actor AS Actor, e.at AS At, e.definition_id AS DefinitionId, " +
        "e.definition_version AS DefinitionVersion, e.definition_hash AS DefinitionHash, e.data AS Data, e.prev_hash AS PrevHash, e.hash AS Hash";

    /// <summary>
    /// Appends a leaf for every source row that has none, oldest first (by stored time, then table and id: commit order
    /// within each table; across tables time is the best order left). Runs at start-up, before anything else writes.
    /// </summary>
    public static int Backfill(IDbConnection connection, IDbTransaction tx)
    {
        var pending = new List<(string At, int Order, long Id, string Source, string SourceId, Guid? Instance, string Entry)>();
        foreach (var r in connection.Query<AuditEventRow>(
            $"SELECT {AuditEventColumns} FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.source = 'request-event' AND l.source_id = CAST(e.id AS TEXT))", transaction: tx))
        {
            pending.Add((r.At, 0, r.Id, LogEntries.RequestEvent, Text(r.Id), Guid.Parse(r.InstanceId), r.Entry()));
        }

        foreach (var r in connection.Query<(long Seq, string Kind, string? DefinitionId, long? Version, string? DraftId, string Hash, string Author, string? Comment, string At, string Data)>(
            "SELECT seq, kind, definition_id, version, draft_id, hash, author, comment, at, data FROM definition_events d WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.source = 'definition-event' AND l.source_id = CAST(d.seq AS TEXT))", transaction: tx))
        {
            pending.Add((r.At, 1, r.Seq, LogEntries.DefinitionEvent, Text(r.Seq), null,
                LogEntries.ForDefinitionEvent(r.Seq, r.Kind, r.DefinitionId, (int?)r.Version, r.DraftId, r.Hash, r.Author, r.Comment, r.At, r.Data)));
        }

        foreach (var r in connection.Query<(long RowId, string Id, string Delegator, string Delegate, string Groups, string StartsAt, string EndsAt, string CreatedBy, string CreatedAt)>(
            $"SELECT {Storage.SqlDialect.Of(connection).InsertionOrder}, id, delegator, delegate, delegator_groups, starts_at, ends_at, created_by, created_at FROM delegations d WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.source = 'delegation' AND l.source_id = d.id)", transaction: tx))
        {
            pending.Add((r.CreatedAt, 2, r.RowId, LogEntries.Delegation, r.Id, null,
                LogEntries.ForDelegation(r.Id, r.Delegator, r.Delegate, r.Groups, r.StartsAt, r.EndsAt, r.CreatedBy, r.CreatedAt)));
        }

        foreach (var r in connection.Query<(long RowId, string DelegationId, string RevokedBy, string RevokedAt, string? Reason)>(
            $"SELECT {Storage.SqlDialect.Of(connection).InsertionOrder}, delegation_id, revoked_by, revoked_at, reason FROM delegation_revocations r WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.source = 'delegation-revocation' AND l.source_id = r.delegation_id)", transaction: tx))
        {
            pending.Add((r.RevokedAt, 4, r.RowId, LogEntries.DelegationRevocation, r.DelegationId, null,
                LogEntries.ForDelegationRevocation(r.DelegationId, r.RevokedBy, r.RevokedAt, r.Reason)));
        }

        foreach (var r in connection.Query<(long Id, string At, long Status, string Actor, string Method, string Path, string Reason, string? RemoteIp)>(
            "SELECT id, at, status, actor, method, path, reason, remote_ip FROM security_events s WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.source = 'security-event' AND l.source_id = CAST(s.id AS TEXT))", transaction: tx))
        {
            pending.Add((r.At, 3, r.Id, LogEntries.SecurityEvent, Text(r.Id), null,
                LogEntries.ForSecurityEvent(r.Id, r.At, (int)r.Status, r.Actor, r.Method, r.Path, r.Reason, r.RemoteIp)));
        }

        foreach (var p in pending.OrderBy(p => p.At, StringComparer.Ordinal).ThenBy(p => p.Order).ThenBy(p => p.Id))
        {
            // EnsureCreated is synchronous; Microsoft.Data.Sqlite's async calls complete synchronously, so this does not block a thread on I/O elsewhere.
            AuditLog.AppendAsync(connection, tx, p.Source, p.SourceId, p.Instance, p.Entry).GetAwaiter().GetResult();
        }

        return pending.Count;
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>An audit_events row as stored, and the log entry it hashes to.</summary>
internal sealed record AuditEventRow(
    long Id, string InstanceId, long Seq, string Kind, string Actor, string At, string DefinitionId, long DefinitionVersion, string DefinitionHash, string Data, string PrevHash, string Hash)
{
    public bool Erased => Core.Audit.ErasedContent.HashOf(Data) is not null;

    public string Entry() => LogEntries.ForRequestEvent(
        Guid.Parse(InstanceId), (int)Seq, Kind, Actor, At, DefinitionId, (int)DefinitionVersion, DefinitionHash,
        Core.Audit.ErasedContent.HashOf(Data) ?? LogEntries.ContentHash(Data), PrevHash, Hash);
}
