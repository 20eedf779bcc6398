using System.Data;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Timers;

/// <summary>An armed timer as stored: the row, not Quartz, is the truth about what must still fire.</summary>
public sealed record TimerRow(string Token, Guid InstanceId, Guid TaskId, DateTimeOffset DueAt);

internal static class TimerRows
{
    public static Task InsertAsync(IDbConnection connection, IDbTransaction tx, TimerRow row) =>
        connection.ExecuteAsync(
            "INSERT INTO timers (token, instance_id, task_id, due_at, status) VALUES (@Token, @InstanceId, @TaskId, @DueAt, 'armed') ON CONFLICT (token) DO NOTHING",
            new { row.Token, InstanceId = row.InstanceId.ToString(), TaskId = row.TaskId.ToString(), DueAt = Timestamps.ToText(row.DueAt) },
            tx);

    public static async Task<IReadOnlyList<TimerRow>> ArmedAsync(IDbConnection connection) =>
        (await connection.QueryAsync<(string Token, string InstanceId, string TaskId, string DueAt)>(
            "SELECT token, instance_id, task_id, due_at FROM timers WHERE status = 'armed' ORDER BY due_at"))
        .Select(r => new TimerRow(r.Token, Guid.Parse(r.InstanceId), Guid.Parse(r.TaskId), Timestamps.Parse(r.DueAt)))
        .ToList();
}
