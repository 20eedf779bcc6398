using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApprovalOrchestrator.Server.Health;

/// <summary>
/// Degraded (still ready: everything else flows) while outbox rows sit in poison or security events were lost to a full
/// queue; the counts are in the check's data, the rows at <c>GET /api/admin/outbox/poison</c>.
/// </summary>
internal sealed class OutboxHealthCheck(Database database, SecurityEventLog security) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync();
        var poisoned = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_poison");
        var pending = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL");
        var data = new Dictionary<string, object> { ["pending"] = pending, ["poisoned"] = poisoned, ["securityEventsDropped"] = security.DroppedTotal };
        if (poisoned > 0)
        {
            return HealthCheckResult.Degraded($"{poisoned} outbox messages could not be published and are set aside (GET /api/admin/outbox/poison).", data: data);
        }

        return security.DroppedTotal > 0
            ? HealthCheckResult.Degraded($"{security.DroppedTotal} security events arrived while the queue was full (counted, not itemised).", data: data)
            : HealthCheckResult.Healthy("Outbox flowing.", data);
    }
}
