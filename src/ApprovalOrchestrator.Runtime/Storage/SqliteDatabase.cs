using System.Data;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>
/// Opens connections to the SQLite file with the settings every connection needs (WAL, busy timeout, foreign keys) and
/// creates the schema. Every transaction that writes uses BEGIN IMMEDIATE (the default of BeginTransaction), because a
/// deferred read-then-write transaction fails with SQLITE_BUSY_SNAPSHOT under concurrency.
/// </summary>
public sealed class SqliteDatabase
{
    private static int s_initialized;

    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public SqliteDatabase(IOptions<StorageOptions> options)
    {
        InitializeProvider();
        ConnectionString = Normalize(options.Value.ConnectionString);
        FilePath = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
    }

    /// <summary>Absolute file path, pooling and a busy timeout: the same string serves our connections and Quartz's.</summary>
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

    public static void InitializeProvider()
    {
        if (Interlocked.Exchange(ref s_initialized, 1) == 0)
        {
            SQLitePCL.Batteries_V2.Init();
        }
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        // busy_timeout makes writers queue behind each other instead of failing; NORMAL is durable in WAL mode except on power loss of the OS.
        connection.Execute("PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
        return connection;
    }

    public void EnsureCreated()
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var connection = Open();
        connection.Execute("PRAGMA journal_mode = WAL;");
        using var stream = typeof(SqliteDatabase).Assembly.GetManifestResourceStream("ApprovalOrchestrator.Runtime.Storage.Schema.sql")
            ?? throw new InvalidOperationException("Embedded schema missing.");
        using var reader = new StreamReader(stream);
        using var tx = connection.BeginTransaction();
        // Databases made before a column existed get it here; CREATE TABLE IF NOT EXISTS would leave them without.
        var taskColumns = connection.Query<string>("SELECT name FROM pragma_table_info('approval_tasks')", transaction: tx).ToHashSet(StringComparer.Ordinal);
        if (taskColumns.Count > 0 && !taskColumns.Contains("assigned_to"))
        {
            connection.Execute("ALTER TABLE approval_tasks ADD COLUMN assigned_to TEXT", transaction: tx);
        }

        connection.Execute(reader.ReadToEnd(), transaction: tx);
        // Rows written before the signed log existed (or by an older binary) get their leaves now, before anything else writes.
        Audit.LogSources.Backfill(connection, tx);
        tx.Commit();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction; commits when it returns. Not re-entrant: work must not
    /// start another write transaction.
    /// </summary>
    /// <remarks>
    /// SQLite has one writer. Left to its busy handler, dozens of concurrent steps wait in sleeps of up to 100 ms and
    /// throughput collapses; queueing them here, first come first served, hands the lock straight on. The gate is only
    /// a queue: SQLite's own locking (and the busy timeout, for Quartz and other processes) still decides correctness.
    /// </remarks>
    public async Task<T> InTransactionAsync<T>(Func<SqliteConnection, IDbTransaction, Task<T>> work)
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
}
