using System.Data;
using ApprovalOrchestrator.Core.Audit.Log;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>
/// Appends leaves to the signed audit log inside the caller's write transaction, so a row and its leaf commit or roll
/// back together. The index is MAX(idx)+1 read in that transaction, after taking the log's sequence lock
/// (<see cref="Storage.SqlDialect.LockSequenceAsync"/>: SQLite's single writer, a transaction advisory lock on PostgreSQL),
/// so no two appends race. The lock is held until the caller commits: the log is the one serialization point of writers.
/// Where writers run concurrently (<see cref="Storage.SqlDialect.DefersLogAppends"/>: PostgreSQL) the appends of a
/// transaction wait until just before its commit (<see cref="Storage.TransactionHooks"/>), so the lock covers the appends
/// and the commit, not the whole step; leaves then also enter the log in commit order.
/// </summary>
public static class AuditLog
{
    public static Task AppendAsync(IDbConnection connection, IDbTransaction tx, string source, string sourceId, Guid? instanceId, string entry)
    {
        if (!Storage.SqlDialect.Of(connection).DefersLogAppends)
        {
            return AppendNowAsync(connection, tx, source, sourceId, instanceId, entry);
        }

        Storage.TransactionHooks.BeforeCommit(tx, () => AppendNowAsync(connection, tx, source, sourceId, instanceId, entry));
        return Task.CompletedTask;
    }

    private static async Task AppendNowAsync(IDbConnection connection, IDbTransaction tx, string source, string sourceId, Guid? instanceId, string entry)
    {
        var leaf = LogEntries.LeafHash(entry);
        await Storage.SqlDialect.Of(connection).LockSequenceAsync(connection, tx, "log_leaves");
        var index = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO log_leaves (idx, leaf_hash, source, source_id, instance_id)
            VALUES ((SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves), @leaf, @source, @sourceId, @instance)
            RETURNING idx
            """,
            new { leaf, source, sourceId, instance = instanceId?.ToString() },
            tx);
        foreach (var (level, nodeIndex, hash) in MerkleTree.CompletedBy(new StoredMerkleNodes(connection, tx), index, leaf))
        {
            await connection.ExecuteAsync("INSERT INTO log_nodes (level, idx, hash) VALUES (@level, @nodeIndex, @hash)", new { level, nodeIndex, hash }, tx);
        }
    }

    /// <summary>The number of leaves (the next index).</summary>
    public static Task<long> SizeAsync(IDbConnection connection, IDbTransaction? tx) =>
        connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves", transaction: tx);
}
