using ApprovalOrchestrator.Core.Controls;

namespace ApprovalOrchestrator.Runtime.Controls;

/// <summary>
/// This node's view of the halts in force, refreshed by <see cref="HaltWatcher"/> every <see cref="HaltWatcher.PollInterval"/>.
/// For display (the console banner, readiness) and the execute step's fast path; never the decision itself (that reads
/// the stored rows in the step's transaction).
/// </summary>
public sealed class HaltBoard
{
    private volatile Snapshot? _current;

    /// <summary>The halts as of <see cref="Snapshot.Revision"/>; null until the first refresh.</summary>
    public Snapshot? Current => _current;

    public IReadOnlyList<Halt> Halts => _current?.Halts ?? [];

    internal void Set(Snapshot snapshot) => _current = snapshot;

    public sealed record Snapshot(long Revision, IReadOnlyList<Halt> Halts, DateTimeOffset ReadAt);
}
