using System.Text.Json;
using ApprovalOrchestrator.Application.Controls;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Core.Controls;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Controls;

/// <summary>
/// The stored kill switch (<see cref="IExecutionControls"/>): halts and resumes are rows with their leaf in the signed
/// audit log, written in one transaction; releasing a halted request is a workflow step of its own.
/// </summary>
public sealed class ExecutionControls(Database database, WorkflowEngine engine, TimeProvider clock, ILogger<ExecutionControls> logger) : IExecutionControls
{
    public Task<HaltOutcome> HaltAsync(HaltScope scope, string? target, string reason, string by) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            // First: the writers' lock, so two admins halting the same thing at once make one halt.
            await HaltRows.BumpRevisionAsync(connection, tx);
            var existing = (await HaltRows.InForceAsync(connection, tx)).FirstOrDefault(h => h.Scope == scope && string.Equals(h.Target, target, StringComparison.Ordinal));
            if (existing is not null)
            {
                return new HaltOutcome(existing, false);
            }

            var now = clock.GetUtcNow();
            var halt = new Halt(Guid.CreateVersion7(now).ToString(), scope, target, reason, by, now);
            await HaltRows.InsertAsync(connection, tx, halt);
            await Audit.AuditLog.AppendAsync(connection, tx, LogEntries.ExecutionHalt, halt.Id, null,
                LogEntries.ForExecutionHalt(halt.Id, scope.ToWire(), target, reason, by, Timestamps.ToText(now)));
            return new HaltOutcome(halt, true);
        });

    public Task<LiftedHalt?> ResumeAsync(string haltId, string by, string reason) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            await HaltRows.BumpRevisionAsync(connection, tx);
            var now = clock.GetUtcNow();
            var at = Timestamps.ToText(now);
            if (await HaltRows.FindAsync(connection, tx, haltId) is not { } row || !await HaltRows.LiftAsync(connection, tx, haltId, by, at, reason))
            {
                return null;
            }

            await Audit.AuditLog.AppendAsync(connection, tx, LogEntries.ExecutionResume, haltId, null,
                LogEntries.ForExecutionResume(haltId, row.Scope, row.Target, reason, by, at));
            return (LiftedHalt?)new LiftedHalt(row.ToHalt(), by, now, reason);
        });

    public async Task<IReadOnlyList<Halt>> InForceAsync()
    {
        await using var connection = await database.OpenAsync();
        return await HaltRows.InForceAsync(connection, null);
    }

    /// <summary>
    /// How long a release gives the request it released to run before it releases the next: one at a time, so the Gateway
    /// receives them in halted order; a call that takes longer no longer holds the rest back.
    /// </summary>
    public static readonly TimeSpan TurnWait = TimeSpan.FromSeconds(2);

    public Task<int> ReleaseAsync(CancellationToken cancellationToken = default) => ReleaseAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Releases in halted order, each after the one before it has run (or <see cref="TurnWait"/> passed), so the
    /// Gateway receives them in that order even with many executors. Only requests whose halt was lifted at least
    /// <paramref name="liftedFor"/> ago: the sweep leaves a fresh resume to the node that made it, so two nodes do not
    /// interleave one release.
    /// </summary>
    public async Task<int> ReleaseAsync(TimeSpan liftedFor, CancellationToken cancellationToken)
    {
        List<(string Id, string? HaltData)> halted;
        await using (var connection = await database.OpenAsync())
        {
            // The order they were halted in: the halting step's time (nothing else changes a halted instance), then id.
            halted = (await connection.QueryAsync<(string, string?)>(
                $"""
                SELECT i.id, (SELECT e.data FROM audit_events e WHERE e.instance_id = i.id AND e.kind = '{AuditKinds.ExecutionHalted}' ORDER BY e.seq DESC LIMIT 1)
                FROM instances i WHERE i.status = 'halted' ORDER BY i.updated_at, i.id
                """)).ToList();
        }

        var released = 0;
        var liftedBefore = clock.GetUtcNow() - liftedFor;
        var lifted = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        foreach (var (id, data) in halted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var haltId = HoldingHaltId(data);
            if (haltId is not null)
            {
                if (!lifted.TryGetValue(haltId, out var liftedAt))
                {
                    lifted[haltId] = liftedAt = await LiftedAtAsync(haltId);
                }

                if (liftedAt is null || (liftedFor > TimeSpan.Zero && liftedAt > liftedBefore))
                {
                    continue; // its halt is in force; or a fresh resume, which its own node is releasing
                }
            }

            var step = await engine.ApplyAsync(Guid.Parse(id), async (connection, tx, instance, definition) =>
            {
                var halts = await HaltRows.InForceForStartAsync(connection, tx, null);
                var row = haltId is null ? null : await HaltRows.FindAsync(connection, tx, haltId);
                if (row is { ResumedAt: null })
                {
                    // Its halt is in force after all (this node's board was stale): nothing changes.
                    return new HaltLifted(row.ToHalt(), SystemActors.Executor, "", row.ToHalt());
                }

                // Without a record of its halt (its event data erased), it is released once no halt in force covers it.
                var lifted = row?.ToHalt() ?? new Halt(haltId ?? "unrecorded", HaltScope.All, null, "(not recorded)", SystemActors.Executor, instance.UpdatedAt);
                return new HaltLifted(lifted, row?.ResumedBy ?? SystemActors.Executor, row?.ResumeReason ?? "", HaltTargets.Covering(halts, instance, definition));
            }, null, cancellationToken);
            if (step is { Outcome: StepOutcome.Applied, State.Status: InstanceStatus.Executing })
            {
                released++;
                await WaitForTurnAsync(step.State.Id, cancellationToken);
            }
        }

        if (released > 0)
        {
            logger.LogInformation("Released {Count} halted requests to execute", released);
        }

        return released;
    }

    /// <summary>When the halt was lifted; null while in force. A halt with no row (unknown) counts as lifted long ago.</summary>
    private async Task<DateTimeOffset?> LiftedAtAsync(string haltId)
    {
        await using var connection = await database.OpenAsync();
        var row = await HaltRows.FindAsync(connection, null, haltId);
        return row is null ? DateTimeOffset.MinValue : row.ResumedAt is { } at ? Timestamps.Parse(at) : null;
    }

    /// <summary>Until the released request has run (left <c>executing</c>: its outcome recorded, or halted again), or <see cref="TurnWait"/>.</summary>
    private async Task WaitForTurnAsync(Guid id, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + TurnWait;
        while (clock.GetUtcNow() < until)
        {
            await using (var connection = await database.OpenAsync())
            {
                if (await connection.ExecuteScalarAsync<string?>("SELECT status FROM instances WHERE id = @id", new { id = id.ToString() }) is not "executing")
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), clock, cancellationToken);
        }
    }

    /// <summary>The halt id in an <c>execution-halted</c> event's data.</summary>
    private static string? HoldingHaltId(string? data)
    {
        if (data is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(data);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("haltId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null; // erased content
        }
    }
}
