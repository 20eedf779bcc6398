namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>
/// The real clock, moved forward to the top of a UTC minute on request: a budget test's requests then fall in one fresh
/// per-minute window (and none of an earlier test's) without waiting for it. Delays and timers keep real time.
/// </summary>
internal sealed class MinuteClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Jumps to the start of the next UTC minute; a test's few seconds from here stay inside it.</summary>
    public void ToNextMinute()
    {
        var now = GetUtcNow();
        var intoMinute = now.Ticks % TimeSpan.TicksPerMinute;
        Interlocked.Add(ref _offsetTicks, TimeSpan.TicksPerMinute - intoMinute);
    }
}
