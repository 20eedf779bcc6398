using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Operations;

/// <summary>
/// The operations dashboard's reads, straight from committed rows. Each query is a range over an index:
/// open tasks by <c>ix_tasks_status_opened</c>, events of a kind in the window by <c>ix_audit_events_kind_at</c>.
/// </summary>
public sealed class OperationsQueries(Database database, TimeProvider clock)
{
    public const int WindowHours = 24;
    public const int OldestShown = 10;

    public async Task<OperationsSnapshot> SnapshotAsync()
    {
        var now = clock.GetUtcNow();
        var hours = TimeBuckets.HourStarts(now, WindowHours);
        var since = Timestamps.ToText(hours[0]);
        await using var connection = await database.OpenAsync();

        var bands = TimeBuckets.AgeBands;
        var boundaries = new DynamicParameters();
        for (var i = 1; i < bands.Count; i++)
        {
            boundaries.Add($"t{i}", Timestamps.ToText(now - bands[i].From));
        }

        var pending = (await connection.QueryAsync(OperationsSql.PendingByRisk(bands.Count), boundaries))
            .Cast<IDictionary<string, object>>()
            .Select(row => new PendingByRisk((string)row["risk"], Enumerable.Range(0, bands.Count).Select(i => Convert.ToInt32(row[$"b{i}"] ?? 0, System.Globalization.CultureInfo.InvariantCulture)).ToArray()))
            .OrderBy(p => RiskOrder(p.Risk))
            .ToList();
        var oldest = (await connection.QueryAsync<(string Id, string InstanceId, string GroupName, long Tier, string? Risk, string OpenedAt, string DueAt)>(
                OperationsSql.OpenTasks, new { take = OldestShown }))
            .Select(t => new WaitingTask(Guid.Parse(t.Id), Guid.Parse(t.InstanceId), t.GroupName, (int)t.Tier, t.Risk, Timestamps.Parse(t.OpenedAt), Timestamps.Parse(t.DueAt)))
            .ToList();

        // A decision's latency is measured from when its task was opened (a task keeps its opening time across escalation).
        var decisions = (await connection.QueryAsync<(string At, string OpenedAt, string? GroupName, long? Tier)>(
            OperationsSql.Decisions(database.Sql),
            new { kind = AuditKinds.Decision, since })).ToList();
        var latencies = decisions.Select(d => (d.GroupName, d.Tier, Wait: Timestamps.Parse(d.At) - Timestamps.Parse(d.OpenedAt))).ToList();
        var byGroup = Summaries(latencies.GroupBy(l => l.GroupName ?? "(unknown)", l => l.Wait, StringComparer.Ordinal));
        // Tiers are counted from 1 for people, as everywhere in the console (stored from 0).
        var byTier = Summaries(latencies.GroupBy(l => l.Tier is { } t ? $"tier {t + 1}" : "(unknown)", l => l.Wait, StringComparer.Ordinal));

        async Task<HourlySeries> Series(string kind, string name)
        {
            var at = await connection.QueryAsync<string>(OperationsSql.EventTimes, new { kind, since });
            return new HourlySeries(name, TimeBuckets.CountPerHour(hours, at.Select(Timestamps.Parse)));
        }

        return new OperationsSnapshot(
            now, pending, byGroup, byTier, hours,
            await Series(AuditKinds.Escalated, "escalations"),
            await Series(AuditKinds.Expired, "expiries"),
            await Series(AuditKinds.Completed, "completed"),
            oldest, HaltState.NoKillSwitch);
    }

    private static List<LatencySummary> Summaries(IEnumerable<IGrouping<string, TimeSpan>> groups) =>
        groups.OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Waits: g.ToList()))
            .Select(g => new LatencySummary(g.Key, g.Waits.Count, Percentiles.Of(g.Waits, 50)!.Value, Percentiles.Of(g.Waits, 90)!.Value))
            .ToList();

    private static int RiskOrder(string risk) => risk switch { "red" => 0, "amber" => 1, "green" => 2, _ => 3 };
}
