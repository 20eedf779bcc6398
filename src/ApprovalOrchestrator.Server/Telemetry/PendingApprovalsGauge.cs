using System.Diagnostics.Metrics;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Telemetry;
using Dapper;

namespace ApprovalOrchestrator.Server.Telemetry;

/// <summary>
/// Pending approvals by risk and age, read when a collector asks (one indexed aggregate over open tasks, no per-task
/// rows). The meter comes from the host's <see cref="IMeterFactory"/>, so it goes with the host.
/// </summary>
public sealed class PendingApprovalsGauge
{
    // Age bands wide enough to tell "just opened" from "forgotten"; open-ended at the top.
    private static readonly (string Label, TimeSpan From, TimeSpan? To)[] s_bands =
    [
        ("0-15m", TimeSpan.Zero, TimeSpan.FromMinutes(15)),
        ("15m-1h", TimeSpan.FromMinutes(15), TimeSpan.FromHours(1)),
        ("1h-24h", TimeSpan.FromHours(1), TimeSpan.FromHours(24)),
        ("24h+", TimeSpan.FromHours(24), null),
    ];

    private readonly Database _database;
    private readonly TimeProvider _clock;

    public PendingApprovalsGauge(IMeterFactory meters, Database database, TimeProvider clock)
    {
        _database = database;
        _clock = clock;
        var meter = meters.Create(OrchestratorTelemetry.Name);
        meter.CreateObservableGauge("approval_orchestrator.approvals.pending", Observe, "{task}", "Open approval tasks, by risk and age band.");
        meter.CreateObservableGauge("approval_orchestrator.approvals.oldest_pending_age", ObserveOldest, "s", "Age of the oldest open approval task, by risk.");
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        var now = _clock.GetUtcNow();
        using var connection = _database.Open();
        foreach (var (label, from, to) in s_bands)
        {
            // Text timestamps in one fixed format compare like the instants they name.
            var rows = connection.Query<(string? Risk, long Count)>(
                "SELECT risk, COUNT(*) FROM approval_tasks WHERE status = 'open' AND opened_at <= @Newest AND (@Oldest IS NULL OR opened_at > @Oldest) GROUP BY risk",
                new { Newest = Timestamps.ToText(now - from), Oldest = to is { } t ? Timestamps.ToText(now - t) : null });
            foreach (var (risk, count) in rows)
            {
                yield return new Measurement<long>(count, new("risk", risk ?? "unclassified"), new("age", label));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveOldest()
    {
        var now = _clock.GetUtcNow();
        using var connection = _database.Open();
        foreach (var (risk, oldest) in connection.Query<(string? Risk, string Oldest)>(
            "SELECT risk, MIN(opened_at) FROM approval_tasks WHERE status = 'open' GROUP BY risk"))
        {
            yield return new Measurement<double>(Math.Max(0, (now - Timestamps.Parse(oldest)).TotalSeconds), new KeyValuePair<string, object?>("risk", risk ?? "unclassified"));
        }
    }
}
