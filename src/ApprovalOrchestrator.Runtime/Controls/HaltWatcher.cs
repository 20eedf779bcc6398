using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Controls;

/// <summary>
/// On every node: refreshes the <see cref="HaltBoard"/> every <see cref="PollInterval"/> (one indexed read of a one-row
/// table; the halts themselves only when its revision moved), and, every <see cref="SweepInterval"/>, releases halted
/// requests whose halt was lifted more than <see cref="ResumeGrace"/> ago: recovery, so a resume whose node died
/// part-way is finished by any other node.
/// </summary>
public sealed class HaltWatcher(Database database, HaltBoard board, ExecutionControls controls, TimeProvider clock, ILogger<HaltWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long after a resume the sweep leaves its releases to the resuming node (which releases at once).</summary>
    public static readonly TimeSpan ResumeGrace = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastSweep = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var moved = await RefreshAsync();
                var now = clock.GetUtcNow();
                if (moved || now - lastSweep >= SweepInterval)
                {
                    lastSweep = now;
                    if (await AnyHaltedAsync())
                    {
                        await controls.ReleaseAsync(ResumeGrace, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Refreshing the halts in force failed; will retry");
            }

            await Task.Delay(PollInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Reads the revision, then (only when it moved) the halts: in that order, so a snapshot is never older than its revision.</summary>
    public async Task<bool> RefreshAsync()
    {
        await using var connection = await database.OpenAsync();
        var revision = await HaltRows.RevisionAsync(connection);
        var known = board.Current;
        if (known is not null && known.Revision == revision)
        {
            board.Set(known with { ReadAt = clock.GetUtcNow() });
            return false;
        }

        board.Set(new HaltBoard.Snapshot(revision, await HaltRows.InForceAsync(connection, null), clock.GetUtcNow()));
        return known is not null;
    }

    private async Task<bool> AnyHaltedAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM instances WHERE status = 'halted'") > 0;
    }
}
