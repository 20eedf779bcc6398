using System.Diagnostics;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// Keeps at most <c>inflight</c> items outstanding: item i is published when a completion frees a slot, and its latency
/// runs from just before its publish to the moment its completion is seen.
/// </summary>
internal sealed class Window
{
    private readonly long[] _started;
    private readonly long[] _ended;
    private readonly SemaphoreSlim _slots;
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _done;

    public Window(int total, int inflight)
    {
        Total = total;
        _started = new long[total];
        _ended = new long[total];
        _slots = new SemaphoreSlim(inflight, inflight);
    }

    public int Total { get; }

    public int Done => Volatile.Read(ref _done);

    /// <summary>Marks item <paramref name="index"/> complete (a redelivered completion counts once) and frees its slot.</summary>
    public void Complete(int index)
    {
        if (index < 0 || index >= Total || Interlocked.CompareExchange(ref _ended[index], Stopwatch.GetTimestamp(), 0) != 0)
        {
            return;
        }

        _slots.Release();
        if (Interlocked.Increment(ref _done) == Total)
        {
            _all.TrySetResult();
        }
    }

    /// <summary>Publishes every item through the window and waits for all completions; returns the wall time.</summary>
    public async Task<TimeSpan> RunAsync(Func<int, Task> publish, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < Total; i++)
            {
                await _slots.WaitAsync(deadline.Token);
                _started[i] = Stopwatch.GetTimestamp();
                // Not awaited here: several publishes wait for their broker confirms at once, within the window.
                _ = ObserveAsync(publish(i));
            }

            await _all.Task.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"Only {Done} of {Total} completed within {timeout.TotalSeconds:0} s.");
        }

        return clock.Elapsed;
    }

    /// <summary>Latencies in milliseconds, sorted.</summary>
    public double[] LatenciesMs() =>
        Enumerable.Range(0, Total).Select(i => Stopwatch.GetElapsedTime(_started[i], _ended[i]).TotalMilliseconds).Order().ToArray();

    private async Task ObserveAsync(Task publish)
    {
        try
        {
            await publish;
        }
        catch (Exception ex)
        {
            _all.TrySetException(ex);
        }
    }
}

internal sealed record Measurement(string Name, int Count, TimeSpan Wall, double[] SortedLatenciesMs)
{
    /// <summary>
    /// CPU this process spent during the window (server, fake Gateway and the integrator's bus together), when measured:
    /// on a shared machine it moves far less with the load than the rate does.
    /// </summary>
    public TimeSpan? Cpu { get; init; }

    /// <summary>Bytes this process allocated during the window (same scope as <see cref="Cpu"/>); does not move with the load at all.</summary>
    public long? Allocated { get; init; }

    public double PerSecond => Count / Wall.TotalSeconds;

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double p) => SortedLatenciesMs[Math.Clamp((int)Math.Ceiling(p / 100 * SortedLatenciesMs.Length) - 1, 0, SortedLatenciesMs.Length - 1)];

    public override string ToString() =>
        $"{Name,-10} {Count,6} in {Wall.TotalSeconds,7:0.00} s = {PerSecond,8:0.0}/s   latency ms p50 {Percentile(50),7:0.0}  p95 {Percentile(95),7:0.0}  p99 {Percentile(99),7:0.0}  max {SortedLatenciesMs[^1],7:0.0}" +
        (Cpu is { } cpu ? $"   process CPU {cpu.TotalMilliseconds / Count:0.00} ms per item" : "") +
        (Allocated is { } bytes ? $", {bytes / 1024.0 / Count:0.0} KB allocated per item" : "");
}
