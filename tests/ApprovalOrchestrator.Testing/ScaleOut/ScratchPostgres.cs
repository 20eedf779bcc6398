using Npgsql;

namespace ApprovalOrchestrator.Testing.ScaleOut;

/// <summary>
/// A fresh PostgreSQL database for one test or benchmark run (<c>CREATE DATABASE ao_..._&lt;random&gt;</c> on the server
/// <c>AO_POSTGRES_URL</c> names), dropped again on dispose, so runs never see each other's rows. No server is a failure,
/// not a skip: scripts/test.sh starts one.
/// </summary>
public sealed class ScratchPostgres : IAsyncDisposable
{
    public const string ServerVariable = "AO_POSTGRES_URL";

    // CREATE/DROP DATABASE copy or remove a whole database: on a busy machine far beyond Npgsql's 30 s default.
    private const int AdminTimeoutSeconds = 180;

    private ScratchPostgres(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database's name: <c>prefix</c> plus 12 random hex digits.</summary>
    public string Name { get; }

    /// <summary>An Npgsql connection string to this database (the server's, with <c>Database</c> set).</summary>
    public string ConnectionString { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException(
                $"{ServerVariable} is not set. These tests need a real PostgreSQL 15 where they may CREATE DATABASE: set {ServerVariable} " +
                "(e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres) or run scripts/test.sh, which starts one.");

    /// <param name="prefix">Lower-case letters, digits and '_' only (it becomes part of an identifier).</param>
    public static async Task<ScratchPostgres> CreateAsync(string prefix, CancellationToken cancellationToken = default)
    {
        if (prefix.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
        {
            throw new ArgumentException("Use lower-case letters, digits and '_' only.", nameof(prefix));
        }

        var name = prefix + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = await OpenAdminAsync(cancellationToken))
        {
            // An identifier cannot be a parameter; the name is made of the characters checked above.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin) { CommandTimeout = AdminTimeoutSeconds };
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name };
        return new ScratchPostgres(name, builder.ConnectionString);
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Drops the database, ending whatever sessions still use it (killed servers' may linger a moment).</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = await OpenAdminAsync(CancellationToken.None);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin) { CommandTimeout = AdminTimeoutSeconds };
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<NpgsqlConnection> OpenAdminAsync(CancellationToken cancellationToken)
    {
        // The maintenance database, unpooled: CREATE/DROP DATABASE cannot run inside a transaction or on a pooled session
        // that another statement left in one.
        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = "postgres", Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
