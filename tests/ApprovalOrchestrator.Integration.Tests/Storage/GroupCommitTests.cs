using System.Data.Common;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Integration.Tests.Storage;

/// <summary>
/// Group commit (issue 11): steps that arrive while the writer is busy share one transaction, each in its own savepoint.
/// Real SQLite file (and the suite's PostgreSQL pass, with one writer slot so the batch forms the same way). A step held
/// inside the writer makes the others queue behind it; they then run as one batch, which the tests prove by the one
/// connection they all see.
/// </summary>
public sealed class GroupCommitTests
{
    private const string Table = "group_commit_probe";

    [Fact]
    public async Task A_step_that_throws_in_a_shared_transaction_rolls_back_alone_and_the_others_commit_together()
    {
        var database = await OpenAsync();
        var (holder, release) = Hold(database);
        var steps = Enumerable.Range(0, 5).Select(i => database.InStepTransactionAsync(async (connection, tx) =>
        {
            await Insert(connection, tx, $"s{i}");
            if (i == 2)
            {
                await Insert(connection, tx, "s2-second-row");
                throw new InvalidOperationException("step 2 refuses");
            }

            return connection;
        })).ToList();

        release();
        await holder;
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => steps[2]);
        Assert.Equal("step 2 refuses", refused.Message);
        var connections = new List<DbConnection>();
        foreach (var i in new[] { 0, 1, 3, 4 })
        {
            connections.Add(await steps[i]);
        }

        Assert.Single(connections.Distinct()); // one batch, one transaction
        Assert.Equal(["held", "s0", "s1", "s3", "s4"], await RowsAsync(database));
    }

    [Fact]
    public async Task When_the_shared_transaction_cannot_commit_every_step_runs_again_alone_and_is_written_once()
    {
        var database = await OpenAsync();
        var (holder, release) = Hold(database);
        var runs = new int[4];
        var firstConnections = new DbConnection?[4];
        var hookFailures = 0;
        var steps = Enumerable.Range(0, 4).Select(i => database.InStepTransactionAsync(async (connection, tx) =>
        {
            Interlocked.Increment(ref runs[i]);
            firstConnections[i] ??= connection;
            await Insert(connection, tx, $"s{i}");
            if (i == 1)
            {
                // Work that runs just before the commit and fails the first time: the whole shared transaction is lost.
                TransactionHooks.BeforeCommit(tx, () => Interlocked.Increment(ref hookFailures) == 1
                    ? throw new TimeoutException("the commit could not happen")
                    : Task.CompletedTask);
            }

            return i;
        })).ToList();

        release();
        await holder;
        var results = await Task.WhenAll(steps);
        Assert.Equal([0, 1, 2, 3], results);
        Assert.Single(firstConnections.Distinct()); // they did share the transaction that failed
        Assert.Equal([2, 2, 2, 2], runs);            // then each ran once more, alone
        Assert.Equal(["held", "s0", "s1", "s2", "s3"], await RowsAsync(database));
    }

    [Fact]
    public async Task A_step_arriving_alone_is_not_made_to_wait_and_a_failing_one_leaves_nothing()
    {
        var database = await OpenAsync();
        Assert.Equal(7, await database.InStepTransactionAsync(async (connection, tx) =>
        {
            await Insert(connection, tx, "alone");
            return 7;
        }));
        await Assert.ThrowsAsync<InvalidOperationException>(() => database.InStepTransactionAsync<int>(async (connection, tx) =>
        {
            await Insert(connection, tx, "failing");
            throw new InvalidOperationException("no");
        }));
        Assert.Equal(["alone"], await RowsAsync(database));
    }

    /// <summary>A step that sits in the writer until released, so the steps started meanwhile queue and form one batch.</summary>
    private static (Task Holder, Action Release) Hold(Database database)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = database.InStepTransactionAsync(async (connection, tx) =>
        {
            entered.SetResult();
            await gate.Task;
            await Insert(connection, tx, "held");
            return true;
        });
        // The steps the caller starts next are queued the moment they are called; release only after the holder is in.
        entered.Task.Wait(TestContext.Current.CancellationToken);
        return (holder, () => gate.SetResult());
    }

    private static async Task<Database> OpenAsync()
    {
        var path = OrchestratorHost.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var database = TestStorage.Open(path, configure: o => o.GroupCommitWriters = 1);
        await database.InTransactionAsync((connection, tx) =>
            connection.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Table} (id text PRIMARY KEY)", transaction: tx));
        return database;
    }

    private static Task Insert(System.Data.IDbConnection connection, System.Data.IDbTransaction tx, string id) =>
        connection.ExecuteAsync($"INSERT INTO {Table} (id) VALUES (@id)", new { id }, tx);

    private static async Task<string[]> RowsAsync(Database database)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>($"SELECT id FROM {Table} ORDER BY id")).ToArray();
    }
}
