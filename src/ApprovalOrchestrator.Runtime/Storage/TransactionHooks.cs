using System.Data;
using System.Runtime.CompilerServices;

namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>
/// Work to run in a transaction just before it commits, registered by code that only holds the transaction (static
/// repositories). A provider's <see cref="Database.InTransactionAsync{T}"/> runs them; on PostgreSQL the signed log's
/// appends wait here, so its sequence lock is held only from the append to the commit instead of for the whole step.
/// </summary>
public static class TransactionHooks
{
    private static readonly ConditionalWeakTable<IDbTransaction, List<Func<Task>>> s_beforeCommit = new();

    /// <summary>Registers <paramref name="work"/> to run before <paramref name="tx"/> commits, in registration order.</summary>
    public static void BeforeCommit(IDbTransaction tx, Func<Task> work) => s_beforeCommit.GetOrCreateValue(tx).Add(work);

    /// <summary>How much work is registered for <paramref name="tx"/> so far: a savepoint's mark.</summary>
    internal static int Mark(IDbTransaction tx) => s_beforeCommit.TryGetValue(tx, out var pending) ? pending.Count : 0;

    /// <summary>Forgets what was registered after <paramref name="mark"/>: its savepoint was rolled back.</summary>
    internal static void DiscardSince(IDbTransaction tx, int mark)
    {
        if (s_beforeCommit.TryGetValue(tx, out var pending) && pending.Count > mark)
        {
            pending.RemoveRange(mark, pending.Count - mark);
        }
    }

    /// <summary>Runs (and forgets) what was registered for <paramref name="tx"/>; work registered meanwhile runs too.</summary>
    public static async Task RunBeforeCommitAsync(IDbTransaction tx)
    {
        while (s_beforeCommit.TryGetValue(tx, out var pending))
        {
            s_beforeCommit.Remove(tx);
            foreach (var work in pending)
            {
                await work();
            }
        }
    }
}
