namespace ApprovalOrchestrator.Runtime.Timers;

/// <summary>
/// SQLite: the near window of armed timer rows, in memory, soonest first. <see cref="DueTimerService"/> loads the rows due
/// before a horizon from the due_at index (never all of them), waits for the soonest and fires it through the workflow
/// step; steps that arm or cancel a timer tell this queue after their commit. One process owns the SQLite file, so there is
/// nothing to claim between nodes. Replaces Quartz's SQLite store, whose lock transactions fired a few timers a second
/// (docs/performance.md, Timers).
/// </summary>
public sealed class DueTimeScheduler : TimerScheduler
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<TimerRow, DateTimeOffset> _queue = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly HashSet<string> _firedWhileLoading = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private DateTimeOffset _loadedUntil = DateTimeOffset.MinValue;
    private bool _loading;

    /// <summary>Every armed row due before this is in the queue, in flight, or fired (the rest wait for the next load).</summary>
    public DateTimeOffset LoadedUntil
    {
        get
        {
            lock (_gate)
            {
                return _loadedUntil;
            }
        }
    }

    /// <summary>Timers queued and not yet taken (for tests and the benchmark's curiosity).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queued.Count;
            }
        }
    }

    public override Task ApplyAsync(IReadOnlyList<TimerRow> armed, IReadOnlyList<string> cancelled)
    {
        var wake = false;
        lock (_gate)
        {
            foreach (var token in cancelled)
            {
                _queued.Remove(token); // its queue entry is skipped when it comes up
            }

            foreach (var row in armed)
            {
                // Later ones are read by the load that moves the horizon past them.
                if (row.DueAt < _loadedUntil && !_inFlight.Contains(row.Token) && _queued.Add(row.Token))
                {
                    wake |= !_queue.TryPeek(out _, out var soonest) || row.DueAt < soonest;
                    _queue.Enqueue(row, row.DueAt);
                }
            }
        }

        if (wake)
        {
            Wake();
        }

        return Task.CompletedTask;
    }

    /// <summary>Nothing to catch up: <see cref="DueTimerService"/> re-reads the window from the rows on its own schedule.</summary>
    public override Task<int> ReconcileAsync(CancellationToken cancellationToken = default) => Task.FromResult(0);

    /// <summary>
    /// Before a load's query: from now on, rows armed before <paramref name="until"/> are queued by <see cref="ApplyAsync"/>,
    /// and rows the query may still read as armed but that fire meanwhile are remembered, so the load does not queue them again.
    /// </summary>
    internal void BeginLoad(DateTimeOffset until)
    {
        lock (_gate)
        {
            _loading = true;
            _firedWhileLoading.Clear();
            _loadedUntil = until > _loadedUntil ? until : _loadedUntil;
        }
    }

    /// <summary>After a load's query: queues what it read. <paramref name="until"/> narrows the horizon when the read was cut short.</summary>
    internal void EndLoad(IReadOnlyList<TimerRow> rows, DateTimeOffset until)
    {
        lock (_gate)
        {
            foreach (var row in rows)
            {
                if (!_inFlight.Contains(row.Token) && !_firedWhileLoading.Contains(row.Token) && _queued.Add(row.Token))
                {
                    _queue.Enqueue(row, row.DueAt);
                }
            }

            _loadedUntil = until;
            _loading = false;
            _firedWhileLoading.Clear();
        }

        Wake();
    }

    /// <summary>Takes the soonest timer if it is due; otherwise says when the soonest is due (null: the queue is empty).</summary>
    internal bool TryTakeDue(DateTimeOffset now, out TimerRow? due, out DateTimeOffset? next)
    {
        lock (_gate)
        {
            while (_queue.TryPeek(out var row, out var at))
            {
                if (!_queued.Contains(row.Token))
                {
                    _queue.Dequeue(); // cancelled, or a duplicate entry
                    continue;
                }

                if (at > now)
                {
                    break;
                }

                _queue.Dequeue();
                _queued.Remove(row.Token);
                _inFlight.Add(row.Token);
                due = row;
                next = null;
                return true;
            }

            due = null;
            next = _queue.TryPeek(out _, out var soonest) ? soonest : null;
            return false;
        }
    }

    /// <summary>A taken timer's step committed (or found it stale): it is done.</summary>
    internal void Fired(string token)
    {
        lock (_gate)
        {
            _inFlight.Remove(token);
            if (_loading)
            {
                _firedWhileLoading.Add(token);
            }
        }
    }

    /// <summary>A taken timer's step failed: back in the queue, to be tried again at <paramref name="retryAt"/>.</summary>
    internal void Retry(TimerRow row, DateTimeOffset retryAt)
    {
        lock (_gate)
        {
            _inFlight.Remove(row.Token);
            if (_queued.Add(row.Token))
            {
                _queue.Enqueue(row, retryAt);
            }
        }

        Wake();
    }

    /// <summary>Waits until <paramref name="timeout"/> passes on <paramref name="clock"/>, or the queue changes at its front.</summary>
    internal async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var delay = new CancellationTokenSource(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, delay.Token);
        try
        {
            await _wake.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: time to look again.
        }
    }

    private void Wake()
    {
        lock (_gate)
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
    }
}
