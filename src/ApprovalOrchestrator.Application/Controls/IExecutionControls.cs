using ApprovalOrchestrator.Core.Controls;

namespace ApprovalOrchestrator.Application.Controls;

/// <summary>What a halt request came to at the store: the new halt, or the halt of the same scope and target already in force.</summary>
public sealed record HaltOutcome(Halt Halt, bool Created);

/// <summary>A halt that was lifted, by whom, when and why.</summary>
public sealed record LiftedHalt(Halt Halt, string ResumedBy, DateTimeOffset ResumedAt, string ResumeReason);

/// <summary>
/// The stored kill switch (the Runtime implements it): halts are rows every node reads, written with their leaf in the
/// signed audit log in the same transaction.
/// </summary>
public interface IExecutionControls
{
    /// <summary>Records a halt, unless one of the same scope and target is in force (then that one, not created).</summary>
    Task<HaltOutcome> HaltAsync(HaltScope scope, string? target, string reason, string by);

    /// <summary>Lifts the halt in force with this id; null when there is none (unknown, or already lifted).</summary>
    Task<LiftedHalt?> ResumeAsync(string haltId, string by, string reason);

    /// <summary>The halts in force, oldest first, read from the store (not a cache).</summary>
    Task<IReadOnlyList<Halt>> InForceAsync();

    /// <summary>
    /// Releases, in the order they were halted, the halted requests whose halt has been lifted and that no halt in force
    /// still covers; each through its own workflow step. Returns how many went back to execute.
    /// </summary>
    Task<int> ReleaseAsync(CancellationToken cancellationToken = default);
}
