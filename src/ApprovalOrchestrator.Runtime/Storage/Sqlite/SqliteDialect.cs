using System.Data;
using Microsoft.Data.Sqlite;

namespace ApprovalOrchestrator.Runtime.Storage.Sqlite;

/// <summary>SQLite's spelling of the non-portable pieces (see <see cref="SqlDialect"/>).</summary>
public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = Create();

    private SqliteDialect()
    {
    }

    public override string SkipLocked => "";

    public override bool CompressesState => true;

    public override string ForShare => "";

    public override string InsertionOrder => "rowid";

    public override bool DefersLogAppends => false;

    public override string In(string column, string parameter) => $"{column} IN {parameter}";

    public override string NotIn(string column, string parameter) => $"{column} NOT IN {parameter}";

    public override string JsonText(string column, string path) => $"json_extract({column}, '$.{path}')";

    public override Task LockSequenceAsync(IDbConnection connection, IDbTransaction tx, string sequence) => Task.CompletedTask;

    public override Task<bool> TryTurnAsync(IDbConnection connection, IDbTransaction tx, string job) => Task.FromResult(true);

    public override bool IsTransient(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } => true, // SQLITE_BUSY, SQLITE_LOCKED
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };

    // SQLITE_CONSTRAINT with the extended codes for UNIQUE (2067) and PRIMARY KEY (1555).
    public override bool IsUniqueViolation(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } => true,
        _ => ex.InnerException is { } inner && IsUniqueViolation(inner),
    };

    private static SqliteDialect Create()
    {
        var dialect = new SqliteDialect();
        Register(typeof(SqliteConnection), dialect);
        return dialect;
    }
}
