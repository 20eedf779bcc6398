namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>
/// Which database: <c>Storage:Provider</c> = <c>sqlite</c> (the embedded default: one process, one file) or
/// <c>postgres</c> (several servers sharing one database); <c>ConnectionStrings:Approvals</c> in that provider's syntax.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string DefaultConnectionString = "Data Source=data/approvals.db";

    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    public string Provider { get; set; } = Sqlite;

    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>
    /// <c>Storage:GroupCommit:MaxSteps</c>: at most this many workflow steps share one write transaction (1 turns group
    /// commit off).
    /// </summary>
    public int GroupCommitMaxSteps { get; set; } = 32;

    /// <summary>
    /// <c>Storage:GroupCommit:Writers</c>: shared transactions a PostgreSQL server runs at once (SQLite has one writer).
    /// </summary>
    public int GroupCommitWriters { get; set; } = 4;

    /// <summary><c>Storage:DataDirectory</c>: local files of a server on PostgreSQL (SQLite keeps them beside its file).</summary>
    public string? DataDirectory { get; set; }
}
