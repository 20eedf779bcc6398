using System.Data;
using System.Data.Common;

namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>
/// The storage seam: what the engine needs from a database, whichever provider holds it (<c>Storage:Provider</c> =
/// <c>sqlite</c>, the embedded default, or <c>postgres</c>). A write transaction is the unit of work: a step writes its
/// instance, tasks, audit events and leaves, timers, outbox and inbox rows through the connection and transaction it is
/// handed, and they commit together; several steps may share one (group commit). Provider SQL, error codes and
/// migrations live only under <c>Storage/Sqlite/</c> and <c>Storage/Postgres/</c>; everything else writes the portable
/// subset and asks <see cref="Sql"/> for the rest.
/// </summary>
public abstract class Database
{
    /// <summary><c>sqlite</c> or <c>postgres</c>: the name in configuration, logs and the migration resources.</summary>
    public abstract string Provider { get; }

    /// <summary>The non-portable pieces of SQL and the provider's error codes.</summary>
    public abstract SqlDialect Sql { get; }

    /// <summary>Where the data lives, for people (file path, or host/database): never the password.</summary>
    public abstract string Location { get; }

    /// <summary>
    /// The folder for this server's local files (the development signing key, the audit-log key when none is configured,
    /// demo output): beside the SQLite file, or <c>Storage:DataDirectory</c> (default <c>data/</c>) with PostgreSQL.
    /// </summary>
    public abstract string DataDirectory { get; }

    /// <summary>Whether several processes may share this database (PostgreSQL) or one process owns it (a SQLite file).</summary>
    public abstract bool Shared { get; }

    /// <summary>An open connection with the settings every connection needs. The caller disposes it.</summary>
    public abstract DbConnection Open();

    public virtual async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        return Open();
    }

    /// <summary>Brings the schema to this build's version under a lock, so processes starting together migrate once.</summary>
    public abstract void EnsureCreated();

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction; commits when it returns, rolls back when it throws. Not
    /// re-entrant: work must not start another write transaction.
    /// </summary>
    public abstract Task<T> InTransactionAsync<T>(Func<DbConnection, IDbTransaction, Task<T>> work);

    /// <summary>
    /// Runs <paramref name="work"/> as one step of a write transaction that other steps arriving at the same time may
    /// share (group commit, <see cref="GroupCommit"/>). Its writes commit or roll back as one, as with
    /// <see cref="InTransactionAsync{T}"/>; an exception it throws undoes only its own writes. The result is returned
    /// after the commit. The work must be re-runnable (it reads what it needs inside the transaction): if the shared
    /// transaction fails to commit, it runs again alone.
    /// </summary>
    public virtual Task<T> InStepTransactionAsync<T>(Func<DbConnection, IDbTransaction, Task<T>> work) => InTransactionAsync(work);

    public Task InTransactionAsync(Func<DbConnection, IDbTransaction, Task> work) =>
        InTransactionAsync<bool>(async (connection, tx) =>
        {
            await work(connection, tx);
            return true;
        });
}
