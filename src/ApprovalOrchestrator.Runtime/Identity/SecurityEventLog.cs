using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Identity;

/// <summary>Refused calls (401/403): who, which endpoint, why. Its own transaction; never the token.</summary>
public sealed class SecurityEventLog(SqliteDatabase database, TimeProvider clock, ILogger<SecurityEventLog> logger)
{
    public async Task RecordAsync(int status, string actor, string method, string path, string reason, string? remoteIp)
    {
        try
        {
            var at = Timestamps.ToText(clock.GetUtcNow());
            await database.InTransactionAsync(async (connection, tx) =>
            {
                var id = await connection.ExecuteScalarAsync<long>(
                    "INSERT INTO security_events (at, status, actor, method, path, reason, remote_ip) VALUES (@at, @status, @actor, @method, @path, @reason, @remoteIp); SELECT last_insert_rowid();",
                    new { at, status, actor, method, path, reason, remoteIp },
                    tx);
                // In the signed audit log too, in the same transaction (docs/audit.md).
                return await Audit.AuditLog.AppendAsync(connection, tx, Core.Audit.Log.LogEntries.SecurityEvent, id.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                    Core.Audit.Log.LogEntries.ForSecurityEvent(id, at, status, actor, method, path, reason, remoteIp));
            });
        }
        catch (Exception ex)
        {
            // The call is refused either way; a lost record is logged rather than turning the refusal into a 500.
            logger.LogError(ex, "Could not record a refused call ({Status} {Method} {Path})", status, method, path);
        }
    }

    public async Task<IReadOnlyList<SecurityEvent>> ListAsync(int offset, int limit)
    {
        await using var connection = database.Open();
        var rows = await connection.QueryAsync<(long Id, string At, long Status, string Actor, string Method, string Path, string Reason, string? RemoteIp)>(
            "SELECT id, at, status, actor, method, path, reason, remote_ip FROM security_events ORDER BY id DESC LIMIT @limit OFFSET @offset", new { offset, limit });
        return rows.Select(r => new SecurityEvent(r.Id, Timestamps.Parse(r.At), (int)r.Status, r.Actor, r.Method, r.Path, r.Reason, r.RemoteIp)).ToList();
    }
}

public sealed record SecurityEvent(long Id, DateTimeOffset At, int Status, string Actor, string Method, string Path, string Reason, string? RemoteIp);
