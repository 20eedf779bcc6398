using ApprovalOrchestrator.Application.Controls;
using ApprovalOrchestrator.Runtime.Controls;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApprovalOrchestrator.Server.Controls;

/// <summary>
/// Readiness reports the kill switch: always healthy (a halted server still takes requests, classifies them and runs
/// approvals), with <c>halted</c> and the halts in force in its data, from this node's view (refreshed every 250 ms).
/// </summary>
internal sealed class ControlsHealthCheck(HaltBoard board) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var halts = board.Halts.Select(HaltRecord.Of).ToList();
        var data = new Dictionary<string, object>
        {
            ["halted"] = halts.Count > 0,
            ["halts"] = halts,
            ["readAt"] = (object?)board.Current?.ReadAt ?? "never",
        };
        return Task.FromResult(HealthCheckResult.Healthy(
            halts.Count == 0 ? "Nothing is halted." : "halted: " + string.Join("; ", halts.Select(h => h.Target is null ? h.Scope : $"{h.Scope} {h.Target}")),
            data));
    }
}
