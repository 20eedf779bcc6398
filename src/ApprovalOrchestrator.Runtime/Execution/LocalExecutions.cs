using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// Executions this process starts itself (<see cref="Engine.EngineOptions.ExecutesLocally"/>): the engine queues an
/// instance here after the commit that asked for it, and a background loop runs it through the same
/// <see cref="ExecutionRunner"/> the execute consumer uses, as many at once as that consumer would. The queue is memory
/// only: an instance queued here when the process dies is still `executing` without a lease in the database, and the
/// recovery sweep sends it over the bus.
/// </summary>
public sealed class LocalExecutions
{
    private readonly Channel<(Guid Instance, string? TraceParent)> _queue = Channel.CreateUnbounded<(Guid, string?)>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(Guid instanceId, string? traceParent) => _queue.Writer.TryWrite((instanceId, traceParent));

    internal ChannelReader<(Guid Instance, string? TraceParent)> Reader => _queue.Reader;
}

/// <summary>Runs what <see cref="LocalExecutions"/> holds.</summary>
public sealed class LocalExecutionService(LocalExecutions queue, ExecutionRunner runner, ILogger<LocalExecutionService> logger) : BackgroundService
{
    /// <summary>The execute consumer's concurrency (BusConfiguration): Gateway calls mostly wait on the network.</summary>
    public const int Concurrency = 64;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(Concurrency, Concurrency);
        var running = new HashSet<Task>();
        try
        {
            await foreach (var (instance, traceParent) in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                var run = RunAsync(instance, traceParent, slots, stoppingToken);
                lock (running)
                {
                    running.Add(run);
                }

                _ = run.ContinueWith(t => { lock (running) { running.Remove(t); } }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        Task[] left;
        lock (running)
        {
            left = running.ToArray();
        }

        await Task.WhenAll(left);
    }

    private async Task RunAsync(Guid instance, string? traceParent, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            using var span = Telemetry.OrchestratorTelemetry.StartSpan("local handoff", traceParent);
            await runner.RunAsync(instance, null, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the instance stays executing; the next start's recovery sweep takes it on.
        }
        catch (Exception ex)
        {
            // The committed state still says it is due: the recovery sweep sends it over the bus.
            logger.LogWarning(ex, "Local execution of {Id} failed; the recovery sweep will send it on if it is still due", instance);
        }
        finally
        {
            slots.Release();
        }
    }
}
