using System.Data;
using Dapper;
using Npgsql;

namespace ApprovalOrchestrator.Runtime.Storage.Postgres;

/// <summary>PostgreSQL's spelling of the non-portable pieces (see <see cref="SqlDialect"/>).</summary>
public sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = Create();

    private PostgresDialect()
    {
    }

    public override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    public override string ForShare => " FOR SHARE";

    public override string InsertionOrder => "0";

    public override bool DefersLogAppends => true;

    public override string In(string column, string parameter) => $"{column} = ANY({parameter})";

    public override string NotIn(string column, string parameter) => $"{column} <> ALL({parameter})";

    // JSON columns are text (as on SQLite), cast per row: these queries are sweeps and reports, not hot paths.
    public override string JsonText(string column, string path) => $"({column}::jsonb #>> '{{{path.Replace('.', ',')}}}')";

    public override Task LockSequenceAsync(IDbConnection connection, IDbTransaction tx, string sequence) =>
        connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@key)", new { key = AdvisoryKeys.For(sequence) }, tx);

    public override Task<bool> TryTurnAsync(IDbConnection connection, IDbTransaction tx, string job) =>
        connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_xact_lock(@key)", new { key = AdvisoryKeys.For(job) }, tx);

    public override bool IsTransient(Exception ex) => ex switch
    {
        // serialization failure, deadlock, lock not available, the server shutting down or restarting.
        PostgresException { SqlState: "40001" or "40P01" or "55P03" or "57P01" or "57P03" } => true,
        NpgsqlException { IsTransient: true } => true,
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };

    public override bool IsUniqueViolation(Exception ex) => ex switch
    {
        PostgresException { SqlState: "23505" } => true,
        _ => ex.InnerException is { } inner && IsUniqueViolation(inner),
    };

    private static PostgresDialect Create()
    {
        var dialect = new PostgresDialect();
        Register(typeof(NpgsqlConnection), dialect);
        return dialect;
    }
}
