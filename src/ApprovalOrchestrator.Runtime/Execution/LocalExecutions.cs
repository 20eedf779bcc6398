using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// Executions this process carries out itself (<see cref="Engine.EngineOptions.ExecutesLocally"/>), at most
/// <see cref="Concurrency"/> at once. Usually the step that asks for an execution also records its start (lease
/// included) in its own commit, holding one of the slots (<see cref="Reserve"/>), and hands it here to make the call at
/// once (<see cref="RunStarted"/>). When no slot was free, or the start did not apply, the engine queues the instance
/// instead (<see cref="Enqueue"/>) and the runner starts it in a step of its own, as the execute consumer would. Both
/// queues are memory only: an instance queued here when the process dies is still `executing` without a lease in the
/// database, and the recovery sweep sends it over the bus; a start committed here has a lease that expires, and recovery
/// takes it over as any interrupted call.
/// </summary>
public sealed class LocalExecutions
{
    /// <summary>The execute consumer's concurrency (BusConfiguration): Gateway calls mostly wait on the network.</summary>
    public const int Concurrency = 64;

    private readonly Channel<(Guid Instance, string? TraceParent)> _queue = Channel.CreateUnbounded<(Guid, string?)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<StartedExecution> _started = Channel.CreateUnbounded<StartedExecution>(new UnboundedChannelOptions { SingleReader = true });

    internal SemaphoreSlim Slots { get; } = new(Concurrency, Concurrency);

    public void Enqueue(Guid instanceId, string? traceParent) => _queue.Writer.TryWrite((instanceId, traceParent));

    /// <summary>A claim on one slot for a start folded into a step; disposing it frees the slot unless it was handed on.</summary>
    public Reservation Reserve() => new(Slots);

    /// <summary>A start that committed under <paramref name="reservation"/>: its call runs now, and frees the slot when done.</summary>
    public void RunStarted(StartedExecution started, Reservation reservation)
    {
        reservation.HandOver();
        _started.Writer.TryWrite(started);
    }

    internal ChannelReader<(Guid Instance, string? TraceParent)> Reader => _queue.Reader;

    internal ChannelReader<StartedExecution> StartedReader => _started.Reader;

    /// <summary>One slot, taken at most once (a retried step reuses it), released on dispose unless handed over.</summary>
    public sealed class Reservation(SemaphoreSlim slots) : IDisposable
    {
        private bool _taken;
        private bool _handed;

        /// <summary>Takes a free slot without waiting: a step never waits for a Gateway call to finish.</summary>
        public bool TryTake() => _taken || (_taken = slots.Wait(0));

        internal void HandOver()
        {
            if (!_taken)
            {
                throw new InvalidOperationException("A start was handed over without a slot.");
            }

            _handed = true;
        }

        public void Dispose()
        {
            if (_taken && !_handed)
            {
                _taken = false;
                slots.Release();
            }
        }
    }
}

/// <summary>Runs what <see cref="LocalExecutions"/> holds.</summary>
public sealed class LocalExecutionService(LocalExecutions queue, ExecutionRunner runner, ILogger<LocalExecutionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new HashSet<Task>();
        try
        {
            await Task.WhenAll(QueuedAsync(running, stoppingToken), StartedAsync(running, stoppingToken));
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

    private async Task QueuedAsync(HashSet<Task> running, CancellationToken stoppingToken)
    {
        await foreach (var (instance, traceParent) in queue.Reader.ReadAllAsync(stoppingToken))
        {
            await queue.Slots.WaitAsync(stoppingToken);
            Track(running, RunAsync(traceParent, () => runner.RunAsync(instance, null, stoppingToken), instance, stoppingToken));
        }
    }

    // Each of these already holds its slot (taken in the step that committed the start).
    private async Task StartedAsync(HashSet<Task> running, CancellationToken stoppingToken)
    {
        await foreach (var started in queue.StartedReader.ReadAllAsync(stoppingToken))
        {
            Track(running, RunAsync(started.TraceParent, () => runner.RunStartedAsync(started), started.State.Id, stoppingToken));
        }
    }

    private static void Track(HashSet<Task> running, Task run)
    {
        lock (running)
        {
            running.Add(run);
        }

        _ = run.ContinueWith(t => { lock (running) { running.Remove(t); } }, TaskScheduler.Default);
    }

    private async Task RunAsync(string? traceParent, Func<Task> run, Guid instance, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            using var span = Telemetry.OrchestratorTelemetry.StartSpan("local handoff", traceParent);
            await run();
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
            queue.Slots.Release();
        }
    }
}
