using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApprovalOrchestrator.Server.Health;

/// <summary>
/// Ready only while every receive endpoint is connected. MassTransit's own check reports a lost broker as "degraded",
/// which ASP.NET answers with 200; a server that can neither hear nor route work must answer 503 instead.
/// (The definitions check keeps "degraded" meaning "ready, with a warning".)
/// </summary>
internal sealed class BusHealthCheck(IBusControl bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = bus.CheckHealth();
        return Task.FromResult(health.Status == BusHealthStatus.Healthy
            ? HealthCheckResult.Healthy("The bus is connected.")
            : HealthCheckResult.Unhealthy($"The bus is {health.Status.ToString().ToLowerInvariant()}: {health.Description}"));
    }
}
