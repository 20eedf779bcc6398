using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using ApprovalOrchestrator.Runtime.Storage.Migrations;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Storage.Sqlite;

/// <summary>
/// Opens connections to the SQLite file with the settings every connection needs (WAL, busy timeout, foreign keys) and
/// creates the schema. Every transaction that writes uses BEGIN IMMEDIATE (the default of BeginTransaction), because a
/// deferred read-then-write transaction fails with SQLITE_BUSY_SNAPSHOT under concurrency.
/// </summary>
public sealed class SqliteDatabase : Database
{
    private static int s_initialized;

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly GroupCommit _steps;

    public SqliteDatabase(IOptions<StorageOptions> options)
    {
        InitializeProvider();
        _ = SqliteDialect.Instance; // registers the dialect for SqlDialect.Of(connection)
        ConnectionString = Normalize(options.Value.ConnectionString);
        FilePath = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        // The same gate as single transactions: SQLite has one writer, and the queue in front of it stays first come first served.
        _steps = new GroupCommit(
            _writeGate,
            options.Value.GroupCommitMaxSteps,
            () => Task.FromResult(Open()),
            connection => Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction()));
    }

    /// <summary>Absolute file path, pooling and a busy timeout, for every connection to the file.</summary>
    public static string Normalize(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new InvalidOperationException("ConnectionStrings:Approvals has no Data Source.");
        }

        builder.DataSource = Path.GetFullPath(builder.DataSource);
        builder.Pooling = true;
        builder.DefaultTimeout = 30;
        return builder.ToString();
    }

    public string ConnectionString { get; }

    public string FilePath { get; }

    public override string Provider => "sqlite";

    public override SqlDialect Sql => SqliteDialect.Instance;

    public override string Location => FilePath;

    public override bool Shared => false;

    public override string DataDirectory => Path.GetDirectoryName(FilePath) ?? Directory.GetCurrentDirectory();

    public static void InitializeProvider()
    {
        if (Interlocked.Exchange(ref s_initialized, 1) == 0)
        {
            SQLitePCL.Batteries_V2.Init();
        }
    }

    public override DbConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        // busy_timeout makes writers queue behind each other instead of failing; NORMAL is durable in WAL mode except on power loss of the OS.
        connection.Execute("PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
        return connection;
    }

    /// <summary>
    /// Brings the schema to this build's version: the numbered migrations under <c>Storage/Sqlite/Migrations/</c> not yet
    /// recorded in <c>schema_version</c>, in one BEGIN IMMEDIATE transaction, which is also the lock: processes starting
    /// together on one file migrate once, the others wait and then find nothing to do.
    /// </summary>
    public override void EnsureCreated()
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var connection = Open();
        connection.Execute("PRAGMA journal_mode = WAL;");
        using var tx = connection.BeginTransaction();
        connection.Execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
            transaction: tx);
        var applied = connection.Query<(long Version, string Name, string Checksum)>("SELECT version, name, checksum FROM schema_version", transaction: tx)
            .Select(a => new AppliedMigration((int)a.Version, a.Name, a.Checksum))
            .ToList();
        if (applied.Count == 0)
        {
            UpgradeUnversioned(connection, tx);
        }

        foreach (var migration in MigrationPlan.Pending(Migration.Load("sqlite"), applied))
        {
            connection.Execute(migration.Sql, transaction: tx);
            connection.Execute(
                "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                new { migration.Version, migration.Name, migration.Checksum },
                tx);
        }

        // Rows written before the signed log existed (or by an older binary) get their leaves now, before anything else writes.
        Audit.LogSources.Backfill(connection, tx);
        tx.Commit();
    }

    /// <summary>
    /// Databases made before numbered migrations: migration 1 is written with IF NOT EXISTS so it adopts their tables,
    /// and the one column added in place back then (<c>approval_tasks.assigned_to</c>) is added here when missing.
    /// </summary>
    private static void UpgradeUnversioned(DbConnection connection, IDbTransaction tx)
    {
        var taskColumns = connection.Query<string>("SELECT name FROM pragma_table_info('approval_tasks')", transaction: tx).ToHashSet(StringComparer.Ordinal);
        if (taskColumns.Count > 0 && !taskColumns.Contains("assigned_to"))
        {
            connection.Execute("ALTER TABLE approval_tasks ADD COLUMN assigned_to TEXT", transaction: tx);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction; commits when it returns. Not re-entrant: work must not
    /// start another write transaction.
    /// </summary>
    /// <remarks>
    /// SQLite has one writer. Left to its busy handler, dozens of concurrent steps wait in sleeps of up to 100 ms and
    /// throughput collapses; queueing them here, first come first served, hands the lock straight on. The gate is only
    /// a queue: SQLite's own locking (and the busy timeout, for other processes) still decides correctness.
    /// </remarks>
    public override async Task<T> InTransactionAsync<T>(Func<DbConnection, IDbTransaction, Task<T>> work)
    {
        await using var connection = Open();
        await _writeGate.WaitAsync();
        try
        {
            await using var tx = connection.BeginTransaction();
            var result = await work(connection, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override Task<T> InStepTransactionAsync<T>(Func<DbConnection, IDbTransaction, Task<T>> work) => _steps.RunAsync(work);
}
