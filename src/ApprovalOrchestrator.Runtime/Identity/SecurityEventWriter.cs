using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Identity;

/// <summary>Writes the security log's queue once per <see cref="SecurityLogOptions.FlushInterval"/> while events arrive, and once more on shutdown.</summary>
public sealed class SecurityEventWriter(SecurityEventLog log, IOptions<SecurityLogOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await log.WaitToReadAsync(stoppingToken))
            {
                // Let a window's worth gather, so a flood becomes a few counted rows rather than one row each.
                await Task.Delay(options.Value.FlushInterval, clock, stoppingToken);
                await log.FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await log.FlushAsync();
    }
}
