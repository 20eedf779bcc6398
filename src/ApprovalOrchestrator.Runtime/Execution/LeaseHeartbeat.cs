using ApprovalOrchestrator.Runtime.Storage;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// Keeps one execution lease alive while its Gateway call runs: every <see cref="ExecutionLeaseOptions.HeartbeatInterval"/>
/// on the injected clock, the owner pushes the expiry out by one lease. Disposing it stops the beat (the step that records
/// the outcome deletes the lease). A failed beat is retried at the next tick; a lease found taken over is not renewed.
/// </summary>
public sealed class LeaseHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _disposed;

    private LeaseHeartbeat(Database database, Guid instanceId, int attempt, string owner, ExecutionLeaseOptions options, TimeProvider clock, ILogger logger) =>
        _loop = BeatAsync(database, instanceId, attempt, owner, options, clock, logger, _stop.Token);

    /// <summary>Set when a beat found the lease no longer ours: recovery elsewhere took the execution over.</summary>
    public bool Lost { get; private set; }

    public static LeaseHeartbeat Start(Database database, Guid instanceId, int attempt, string owner, ExecutionLeaseOptions options, TimeProvider clock, ILogger logger) =>
        new(database, instanceId, attempt, owner, options, clock, logger);

    private async Task BeatAsync(Database database, Guid instanceId, int attempt, string owner, ExecutionLeaseOptions options, TimeProvider clock, ILogger logger, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    var held = await database.InTransactionAsync((connection, tx) =>
                        ExecutionLeases.HeartbeatAsync(connection, tx, instanceId, attempt, owner, clock.GetUtcNow(), options.Lease));
                    if (!held)
                    {
                        Lost = true;
                        logger.LogWarning("Execution lease of {Id} attempt {Attempt} is no longer held by this run: recovery took it over; its outcome will not count", instanceId, attempt);
                        return;
                    }
                }
                catch (Exception ex) when (!stop.IsCancellationRequested)
                {
                    // A busy database delays one beat; two more fit in the lease before anyone may take it over.
                    logger.LogWarning(ex, "Heartbeat of the execution lease of {Id} failed; retrying at the next tick", instanceId);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops the beat and waits for one in progress to finish; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
