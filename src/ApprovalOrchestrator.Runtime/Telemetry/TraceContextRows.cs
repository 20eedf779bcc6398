using System.Data.Common;
using System.Data;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Telemetry;

/// <summary>The trace context an instance's intake ran in, kept so steps started outside it (HTTP decisions, timers) rejoin it.</summary>
internal static class TraceContextRows
{
    public static Task SaveAsync(IDbConnection connection, IDbTransaction tx, Guid instanceId) =>
        OrchestratorTelemetry.CurrentTraceparent() is { } traceparent
            ? connection.ExecuteAsync("UPDATE instances SET traceparent = @traceparent WHERE id = @id", new { traceparent, id = instanceId.ToString() }, tx)
            : Task.CompletedTask;

    /// <summary>Null when nothing listens (no read at all) or the instance has none.</summary>
    public static async Task<string?> FindAsync(Database database, Guid instanceId)
    {
        if (!OrchestratorTelemetry.Source.HasListeners())
        {
            return null;
        }

        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<string?>("SELECT traceparent FROM instances WHERE id = @id", new { id = instanceId.ToString() });
    }
}
