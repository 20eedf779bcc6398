using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;

namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>
/// Group commit: steps that arrive together share one write transaction, each inside its own savepoint. A step that
/// throws rolls back to its savepoint (its writes, and the before-commit work it registered, are gone) and gets its own
/// exception; the others commit together. If the shared transaction cannot commit, each step that had succeeded in it
/// runs again alone, so one step's trouble never fails another. A step's result reaches its caller only after the
/// transaction that holds its writes has committed.
/// </summary>
/// <remarks>
/// There is no timer: whoever takes a writer slot first leads and takes every step queued behind it (up to
/// <see cref="StorageOptions.GroupCommitMaxSteps"/>), so batches grow only when steps actually wait for each other, and
/// a step arriving alone runs at once. Each write transaction costs a round of locking, WAL frames (SQLite) or a WAL flush
/// and the signed log's sequence lock (PostgreSQL); a batch pays it once.
/// </remarks>
internal sealed class GroupCommit(SemaphoreSlim writers, int maxSteps, Func<Task<DbConnection>> open, Func<DbConnection, Task<DbTransaction>> begin)
{
    private readonly ConcurrentQueue<IStep> _queue = new();

    public async Task<T> RunAsync<T>(Func<DbConnection, IDbTransaction, Task<T>> work)
    {
        var step = new Step<T>(work);
        _queue.Enqueue(step);
        // A caller whose step a leader takes stops waiting for a slot at once (the wait is cancelled, never granted). Not
        // disposed: it has no timer, and the cancel may run after this method returned.
        var taken = new CancellationTokenSource();
        _ = step.Result.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Cancel(), taken, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (!step.Result.IsCompleted)
        {
            try
            {
                await writers.WaitAsync(taken.Token);
            }
            catch (OperationCanceledException) when (taken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                if (step.Result.IsCompleted)
                {
                    break; // taken by a leader just as this caller got the slot
                }

                var batch = new List<IStep>(Math.Min(maxSteps, _queue.Count + 1));
                while (batch.Count < maxSteps && _queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                await RunBatchAsync(batch);
            }
            finally
            {
                writers.Release();
            }
        }

        return await step.Result;
    }

    private async Task RunBatchAsync(List<IStep> batch)
    {
        if (batch.Count == 1)
        {
            await RunAloneAsync(batch[0]);
            return;
        }

        var held = new List<IStep>(batch.Count);
        try
        {
            await using var connection = await open();
            await using var tx = await begin(connection);
            for (var i = 0; i < batch.Count; i++)
            {
                var step = batch[i];
                var savepoint = $"step{i}";
                var mark = TransactionHooks.Mark(tx);
                await tx.SaveAsync(savepoint);
                try
                {
                    await step.RunAsync(connection, tx);
                    await tx.ReleaseAsync(savepoint);
                    held.Add(step);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Its own failure: undo only its writes. If even that fails the transaction is unusable, and the
                    // catch below runs every step (this one included) alone.
                    await tx.RollbackAsync(savepoint);
                    await tx.ReleaseAsync(savepoint);
                    TransactionHooks.DiscardSince(tx, mark);
                    step.Fail(ex);
                }
            }

            await TransactionHooks.RunBeforeCommitAsync(tx);
            await tx.CommitAsync();
        }
        catch (Exception)
        {
            // The shared transaction is lost (commit failed, a hook failed, a savepoint could not be undone): nothing of it
            // was written. Each step that was not refused on its own gets a transaction of its own, as without batching.
            foreach (var step in batch.Where(s => !s.IsFailed))
            {
                step.Reset();
                await RunAloneAsync(step);
            }

            return;
        }

        foreach (var step in held)
        {
            step.Publish();
        }
    }

    private async Task RunAloneAsync(IStep step)
    {
        try
        {
            await using var connection = await open();
            await using var tx = await begin(connection);
            await step.RunAsync(connection, tx);
            await TransactionHooks.RunBeforeCommitAsync(tx);
            await tx.CommitAsync();
        }
        catch (Exception ex)
        {
            step.Fail(ex);
            return;
        }

        step.Publish();
    }

    private interface IStep
    {
        bool IsFailed { get; }

        Task RunAsync(DbConnection connection, IDbTransaction tx);

        void Publish();

        void Fail(Exception ex);

        void Reset();
    }

    private sealed class Step<T>(Func<DbConnection, IDbTransaction, Task<T>> work) : IStep
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;
        private Exception? _failure;

        public Task<T> Result => _result.Task;

        public bool IsFailed => _failure is not null;

        public async Task RunAsync(DbConnection connection, IDbTransaction tx) => _value = await work(connection, tx);

        public void Publish() => _result.TrySetResult(_value!);

        public void Fail(Exception ex)
        {
            _failure = ex;
            _result.TrySetException(ex);
        }

        public void Reset() => _value = default;
    }
}
