using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>A delivery given up on, with the last reason.</summary>
public sealed record DeadNotification(long Seq, Guid EventId, string Kind, string Channel, int Attempts, string Reason, DateTimeOffset DeadAt);

/// <summary>Dead-lettered deliveries: kept (never purged) for an operator to read, and put back in line once the receiver is fixed.</summary>
public sealed class NotificationDeadLetters(Database database, TimeProvider clock)
{
    public async Task<IReadOnlyList<DeadNotification>> ListAsync(int offset, int limit)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(long Seq, string EventId, string Kind, string Channel, long Attempts, string Reason, string DeadAt)>(
            """
            SELECT d.seq, d.event_id, e.kind, d.channel, d.attempts, d.last_error, d.dead_at
            FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id
            WHERE d.status = 'dead' ORDER BY d.seq LIMIT @limit OFFSET @offset
            """, new { offset, limit });
        return rows.Select(r => new DeadNotification(r.Seq, Guid.Parse(r.EventId), r.Kind, r.Channel, (int)r.Attempts, r.Reason, Timestamps.Parse(r.DeadAt))).ToList();
    }

    /// <summary>Back to pending with a fresh attempt count; false if there is no such dead delivery.</summary>
    public Task<bool> RetryAsync(long seq) =>
        database.InTransactionAsync(async (connection, tx) => await connection.ExecuteAsync(
            "UPDATE notification_deliveries SET status = 'pending', attempts = 0, dead_at = NULL, next_attempt_at = @now WHERE seq = @seq AND status = 'dead'",
            new { seq, now = Timestamps.ToText(clock.GetUtcNow()) }, tx) == 1);
}
