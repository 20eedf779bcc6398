using System.Data;
using System.Security.Cryptography;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Timers;

/// <summary>
/// An armed timer as stored: the row, not Quartz, is the truth about what must still fire. <see cref="Key"/> is the
/// random firing key only the Quartz job knows (null for timers armed before keys existed).
/// </summary>
public sealed record TimerRow(string Token, Guid InstanceId, Guid TaskId, DateTimeOffset DueAt, string? Key = null);

/// <summary>A timer row as a firing is checked against it.</summary>
public sealed record ArmedTimer(Guid InstanceId, Guid TaskId, DateTimeOffset DueAt, string Status, string? Key);

internal static class TimerRows
{
    /// <summary>Inserts the row and its firing key; returns the row as stored (with the key kept by an earlier insert).</summary>
    public static async Task<TimerRow> InsertAsync(IDbConnection connection, IDbTransaction tx, TimerRow row)
    {
        await connection.ExecuteAsync(
            "INSERT INTO timers (token, instance_id, task_id, due_at, status) VALUES (@Token, @InstanceId, @TaskId, @DueAt, 'armed') ON CONFLICT (token) DO NOTHING",
            new { row.Token, InstanceId = row.InstanceId.ToString(), TaskId = row.TaskId.ToString(), DueAt = Timestamps.ToText(row.DueAt) },
            tx);
        await connection.ExecuteAsync(
            "INSERT INTO timer_keys (token, key) VALUES (@Token, @Key) ON CONFLICT (token) DO NOTHING",
            new { row.Token, Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) },
            tx);
        var key = await connection.ExecuteScalarAsync<string>("SELECT key FROM timer_keys WHERE token = @Token", new { row.Token }, tx);
        return row with { Key = key };
    }

    public static async Task<IReadOnlyList<TimerRow>> ArmedAsync(IDbConnection connection) =>
        (await connection.QueryAsync<(string Token, string InstanceId, string TaskId, string DueAt, string? Key)>(
            "SELECT t.token, t.instance_id, t.task_id, t.due_at, k.key FROM timers t LEFT JOIN timer_keys k ON k.token = t.token WHERE t.status = 'armed' ORDER BY t.due_at"))
        .Select(r => new TimerRow(r.Token, Guid.Parse(r.InstanceId), Guid.Parse(r.TaskId), Timestamps.Parse(r.DueAt), r.Key))
        .ToList();

    /// <summary>The first <paramref name="limit"/> armed timers due before <paramref name="until"/>, soonest first (index ix_timers_status).</summary>
    public static async Task<IReadOnlyList<TimerRow>> DueBeforeAsync(IDbConnection connection, DateTimeOffset until, int limit) =>
        (await connection.QueryAsync<(string Token, string InstanceId, string TaskId, string DueAt)>(
            "SELECT token, instance_id, task_id, due_at FROM timers WHERE status = 'armed' AND due_at < @until ORDER BY due_at LIMIT @limit",
            new { until = Timestamps.ToText(until), limit }))
        .Select(r => new TimerRow(r.Token, Guid.Parse(r.InstanceId), Guid.Parse(r.TaskId), Timestamps.Parse(r.DueAt)))
        .ToList();

    public static async Task<ArmedTimer?> FindAsync(IDbConnection connection, string token) =>
        (await connection.QueryAsync<(string InstanceId, string TaskId, string DueAt, string Status, string? Key)>(
            "SELECT t.instance_id, t.task_id, t.due_at, t.status, k.key FROM timers t LEFT JOIN timer_keys k ON k.token = t.token WHERE t.token = @token",
            new { token }))
        .Select(r => new ArmedTimer(Guid.Parse(r.InstanceId), Guid.Parse(r.TaskId), Timestamps.Parse(r.DueAt), r.Status, r.Key))
        .FirstOrDefault();
}
