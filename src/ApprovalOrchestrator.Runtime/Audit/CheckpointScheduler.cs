using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>
/// Signs a checkpoint every <see cref="AuditLogOptions.CheckpointEvery"/> leaves or every
/// <see cref="AuditLogOptions.CheckpointInterval"/> while leaves are unsigned. Polls the tree size (one primary-key
/// read) rather than hooking every writer, so a crash between an event and its checkpoint loses nothing: the leaf is
/// committed with its event and the next poll, in this process or the next, signs it.
/// </summary>
public sealed class CheckpointScheduler(CheckpointService checkpoints, IOptions<AuditLogOptions> options, TimeProvider clock, ILogger<CheckpointScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await checkpoints.CheckAtStartAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Audit log start-up check failed");
        }

        var settings = options.Value;
        var poll = settings.CheckpointInterval < TimeSpan.FromSeconds(1) ? settings.CheckpointInterval : TimeSpan.FromSeconds(1);
        using var timer = new PeriodicTimer(poll <= TimeSpan.Zero ? TimeSpan.FromSeconds(1) : poll, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (checkpoints.Problem is not null)
            {
                continue; // refused until an operator resolves it: never sign over a rewritten history
            }

            try
            {
                var size = await checkpoints.SizeAsync();
                var latest = await checkpoints.LatestAsync();
                var unsigned = size - (latest?.Size ?? 0);
                var due = latest is null || clock.GetUtcNow() - latest.SignedAt >= settings.CheckpointInterval;
                if (unsigned >= settings.CheckpointEvery || (unsigned > 0 && due))
                {
                    var signed = await checkpoints.SignAsync();
                    logger.LogInformation("Audit log checkpoint signed at size {Size}", signed.Size);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Audit log checkpoint failed");
            }
        }
    }
}
