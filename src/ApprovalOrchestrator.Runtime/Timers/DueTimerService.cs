using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Timers;

/// <summary>
/// SQLite's timer loop: reads the rows due within <see cref="Horizon"/> (at most <see cref="LoadLimit"/>, by the due_at
/// index) into <see cref="DueTimeScheduler"/>, waits for the soonest, and presents each due token to the workflow step,
/// several at once. A restart reads the overdue rows first, so timers that fell due while the process was down fire at once.
/// Each firing is the step the Quartz job's TimerFired message used to trigger, with an inbox key of its own token, so a
/// token is presented at most once even if a load read it twice; the step ignores tokens its task no longer waits on.
/// </summary>
public sealed class DueTimerService(
    DueTimeScheduler queue,
    WorkflowEngine engine,
    Database database,
    TimeProvider clock,
    ILogger<DueTimerService> logger) : BackgroundService
{
    /// <summary>How far ahead a load reads; the window is re-read every half of it.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromMinutes(2);

    /// <summary>At most this many rows per load: a backlog (a long outage) is read in slices as it is worked off.</summary>
    public const int LoadLimit = 20_000;

    /// <summary>Steps in flight at once: enough to keep the single SQLite writer busy (and group commit fed).</summary>
    public const int Concurrency = 16;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(Concurrency, Concurrency);
        var nextLoad = DateTimeOffset.MinValue;
        var lastLoad = DateTimeOffset.MinValue;
        var truncated = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                // A clock set back (NTP, an operator) must not postpone the next read by as much.
                if (now >= nextLoad || now < lastLoad)
                {
                    truncated = await LoadAsync(now);
                    lastLoad = now;
                    nextLoad = now + Horizon / 2;
                }

                if (queue.TryTakeDue(now, out var due, out var next))
                {
                    await slots.WaitAsync(stoppingToken);
                    _ = FireAsync(due!, slots, stoppingToken);
                    continue;
                }

                if (next is null && truncated)
                {
                    nextLoad = now; // the slice is worked off: read the next one
                    continue;
                }

                var wakeAt = next is { } n && n < nextLoad ? n : nextLoad;
                var wait = wakeAt - now;
                await queue.WaitAsync(wait < Horizon / 2 ? wait : Horizon / 2, clock, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Timer loop failed; retrying");
                nextLoad = DateTimeOffset.MinValue;
                await Task.Delay(RetryDelay, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Reads the window; true when the limit cut it short (more rows are due before the horizon).</summary>
    private async Task<bool> LoadAsync(DateTimeOffset now)
    {
        var until = now + Horizon;
        queue.BeginLoad(until);
        IReadOnlyList<TimerRow> rows;
        await using (var connection = await database.OpenAsync())
        {
            rows = await TimerRows.DueBeforeAsync(connection, until, LoadLimit);
        }

        var truncated = rows.Count == LoadLimit;
        // Cut short: rows due at the last one's time may be missing, so the horizon stops there (exclusive) until the next read.
        var complete = truncated ? rows.Where(r => r.DueAt < rows[^1].DueAt).ToList() : rows;
        queue.EndLoad(complete.Count > 0 ? complete : rows, truncated ? rows[^1].DueAt : until);
        return truncated;
    }

    private async Task FireAsync(TimerRow row, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await engine.ApplyAsync(
                row.InstanceId,
                (_, _) => new TimerElapsed(row.TaskId, row.Token),
                new InboxKey("timer", DeterministicId.Create(row.InstanceId, "timer/" + row.Token)),
                stoppingToken);
            Telemetry.OrchestratorTelemetry.TimerLateness.Record(Math.Max(0, (clock.GetUtcNow() - row.DueAt).TotalSeconds));
            queue.Fired(row.Token);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The step rolled back: the row is still armed, so it fires again shortly.
            logger.LogWarning(ex, "Timer {Token} for instance {InstanceId} failed to fire; retrying", row.Token, row.InstanceId);
            queue.Retry(row, clock.GetUtcNow() + RetryDelay);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the row is still armed and the next start fires it.
        }
        finally
        {
            slots.Release();
        }
    }
}
