using System.Data;
using ApprovalOrchestrator.Core.Audit.Log;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>The log's stored nodes: level 0 from log_leaves, higher levels from log_nodes. One primary-key read each.</summary>
internal sealed class StoredMerkleNodes(IDbConnection connection, IDbTransaction? tx) : IMerkleNodes
{
    public byte[] Node(int level, long index) =>
        (level == 0
            ? connection.QuerySingleOrDefault<byte[]>("SELECT leaf_hash FROM log_leaves WHERE idx = @index", new { index }, tx)
            : connection.QuerySingleOrDefault<byte[]>("SELECT hash FROM log_nodes WHERE level = @level AND idx = @index", new { level, index }, tx))
        ?? throw new AuditLogBrokenException($"The audit log has no node {level}/{index}: leaves or nodes were deleted.");
}

/// <summary>The stored log is missing rows it must have: it was truncated or edited outside the server.</summary>
public sealed class AuditLogBrokenException(string message) : Exception(message);
