using System.Data;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>Identifies a delivery to one consumer, for dedup.</summary>
public sealed record InboxKey(string Consumer, Guid MessageId);

/// <summary>The inbox half of exactly-once effect: a consumer claims a message id in its own step transaction.</summary>
internal static class Inbox
{
    /// <summary>False when this consumer already handled the message (the transaction should then change nothing).</summary>
    public static async Task<bool> TryClaimAsync(IDbConnection connection, IDbTransaction tx, InboxKey key, DateTimeOffset now) =>
        await connection.ExecuteAsync(
            "INSERT INTO inbox (consumer, message_id, processed_at) VALUES (@Consumer, @Id, @Now) ON CONFLICT DO NOTHING",
            new { key.Consumer, Id = key.MessageId.ToString(), Now = Timestamps.ToText(now) },
            tx) == 1;
}
