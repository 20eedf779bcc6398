using System.Data;
using System.Data.Common;
using ApprovalOrchestrator.Runtime.Storage.Migrations;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ApprovalOrchestrator.Runtime.Storage.Postgres;

/// <summary>
/// A PostgreSQL database shared by any number of server processes. Transactions run at READ COMMITTED: the instance row's
/// version column (optimistic concurrency), the inbox's primary key, unique keys and row claims with SKIP LOCKED keep
/// steps from overlapping, and the one global sequence (the signed log's leaf index) is taken under a transaction-scoped
/// advisory lock. Conflicts surface as <see cref="SqlDialect.IsUniqueViolation"/> or transient errors and the step retries.
/// </summary>
public sealed class PostgresDatabase : Database, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly GroupCommit _steps;

    public PostgresDatabase(IOptions<StorageOptions> options, TimeProvider clock)
    {
        _clock = clock;
        ConnectionString = Normalize(options.Value.ConnectionString);
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        Location = $"postgres://{builder.Host}:{builder.Port}/{builder.Database}" + (string.IsNullOrEmpty(builder.SearchPath) ? "" : $" (schema {builder.SearchPath})");
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        DataDirectory = Path.GetFullPath(options.Value.DataDirectory ?? "data");
        _ = PostgresDialect.Instance; // registers the dialect for SqlDialect.Of(connection)
        _steps = new GroupCommit(
            new SemaphoreSlim(options.Value.GroupCommitWriters, options.Value.GroupCommitWriters),
            options.Value.GroupCommitMaxSteps,
            async () => await _dataSource.OpenConnectionAsync(),
            async connection => await connection.BeginTransactionAsync());
    }

    /// <summary>Checks the string names a host and a database; the password stays in it and is never printed.</summary>
    public static string Normalize(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"ConnectionStrings:Approvals is not a PostgreSQL connection string (Storage:Provider=postgres): {ex.Message}");
        }

        if (string.IsNullOrWhiteSpace(builder.Host) || string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Approvals must name Host and Database for Storage:Provider=postgres, e.g. \"Host=db;Database=approvals;Username=ao;Password=...\".");
        }

        return builder.ConnectionString;
    }

    public string ConnectionString { get; }

    public override string Provider => "postgres";

    public override SqlDialect Sql => PostgresDialect.Instance;

    public override string Location { get; }

    public override bool Shared => true;

    public override string DataDirectory { get; }

    public override DbConnection Open() => _dataSource.OpenConnection();

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Applies the pending migrations of <c>Storage/Postgres/Migrations/</c> holding a session advisory lock, so servers
    /// starting together migrate once: the others wait on the lock, then find nothing to do. Each migration commits with
    /// its schema_version row (PostgreSQL DDL is transactional), so a failed step leaves the database at the one before.
    /// </summary>
    public override void EnsureCreated()
    {
        using var connection = _dataSource.OpenConnection();
        var key = AdvisoryKeys.For("migrations");
        connection.Execute("SELECT pg_advisory_lock(@key)", new { key });
        try
        {
            connection.Execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at text NOT NULL)");
            var applied = connection.Query<(long Version, string Name, string Checksum)>("SELECT version, name, checksum FROM schema_version")
                .Select(a => new AppliedMigration((int)a.Version, a.Name, a.Checksum))
                .ToList();
            foreach (var migration in MigrationPlan.Pending(Migration.Load("postgres"), applied))
            {
                using var tx = connection.BeginTransaction();
                connection.Execute(migration.Sql, transaction: tx);
                connection.Execute(
                    "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @At)",
                    new { migration.Version, migration.Name, migration.Checksum, At = Timestamps.ToText(_clock.GetUtcNow()) },
                    tx);
                tx.Commit();
            }

            // Rows without their signed-log leaf (written by hand, or restored from elsewhere) get them now, before anything
            // else writes: the log covers every row, as on SQLite.
            using (var tx = connection.BeginTransaction())
            {
                Audit.LogSources.Backfill(connection, tx);
                TransactionHooks.RunBeforeCommitAsync(tx).GetAwaiter().GetResult();
                tx.Commit();
            }
        }
        finally
        {
            connection.Execute("SELECT pg_advisory_unlock(@key)", new { key });
        }
    }

    public override async Task<T> InTransactionAsync<T>(Func<DbConnection, IDbTransaction, Task<T>> work)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var result = await work(connection, tx);
        await TransactionHooks.RunBeforeCommitAsync(tx);
        await tx.CommitAsync();
        return result;
    }

    public override Task<T> InStepTransactionAsync<T>(Func<DbConnection, IDbTransaction, Task<T>> work) => _steps.RunAsync(work);

    public void Dispose() => _dataSource.Dispose();
}
