using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>One outbox row set aside because it could not be published, with why.</summary>
public sealed record PoisonedMessage(long Seq, Guid Id, string MessageType, DateTimeOffset CreatedAt, int Attempts, string Reason, DateTimeOffset PoisonedAt);

/// <summary>
/// Outbox rows that cannot be published, kept aside (never deleted by retention) so the rows behind them go on. An
/// operator lists them, puts one back in line after fixing the cause (retry), or discards it.
/// </summary>
public sealed class OutboxPoison(Database database, OutboxSignal signal)
{
    public async Task<IReadOnlyList<PoisonedMessage>> ListAsync(int offset, int limit)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(long Seq, string Id, string Type, string CreatedAt, long Attempts, string Reason, string PoisonedAt)>(
            "SELECT seq, id, message_type, created_at, attempts, reason, poisoned_at FROM outbox_poison ORDER BY seq LIMIT @limit OFFSET @offset", new { offset, limit });
        return rows.Select(r => new PoisonedMessage(r.Seq, Guid.Parse(r.Id), r.Type, Timestamps.Parse(r.CreatedAt), (int)r.Attempts, r.Reason, Timestamps.Parse(r.PoisonedAt))).ToList();
    }

    public async Task<long> CountAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_poison");
    }

    /// <summary>Puts the row back in the outbox under its own seq and id (so consumers still dedup it); false if there is no such row.</summary>
    public async Task<bool> RetryAsync(long seq)
    {
        var moved = await database.InTransactionAsync(async (connection, tx) =>
        {
            var back = await connection.ExecuteAsync(
                "INSERT INTO outbox (seq, id, message_type, body, created_at) SELECT seq, id, message_type, body, created_at FROM outbox_poison WHERE seq = @seq",
                new { seq }, tx);
            await connection.ExecuteAsync("DELETE FROM outbox_poison WHERE seq = @seq", new { seq }, tx);
            await connection.ExecuteAsync("DELETE FROM outbox_failures WHERE seq = @seq", new { seq }, tx);
            return back;
        });
        signal.Notify();
        return moved == 1;
    }

    public Task<bool> DiscardAsync(long seq) =>
        database.InTransactionAsync(async (connection, tx) =>
            await connection.ExecuteAsync("DELETE FROM outbox_poison WHERE seq = @seq", new { seq }, tx) == 1);
}
