using ApprovalOrchestrator.Runtime.Audit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApprovalOrchestrator.Server.Audit;

/// <summary>Unready while the audit log refuses to sign (its tree does not extend a checkpoint it signed or published).</summary>
internal sealed class AuditLogHealthCheck(CheckpointService checkpoints) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(checkpoints.Problem is { } problem
            ? HealthCheckResult.Unhealthy("The audit log refuses to sign: " + problem)
            : HealthCheckResult.Healthy("The audit log extends its last checkpoint."));
}
