using System.Security.Cryptography;
using System.Text;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Storage.Postgres;
using ApprovalOrchestrator.Runtime.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ApprovalOrchestrator.Integration.Tests.Support;

/// <summary>
/// The storage provider the suite runs on: the fixture parameter <c>AO_TEST_STORAGE</c> = <c>sqlite</c> (default) or
/// <c>postgres</c> (then <c>AO_POSTGRES_URL</c>, set by scripts/test.sh, names a real PostgreSQL server). Every test keeps
/// naming its database by a file path; on PostgreSQL that path maps to a schema of its own in the <c>ao_tests</c> database
/// (same path, same schema: restarts find their data), and local files (the signing key) stay in the path's folder.
/// </summary>
public static class TestStorage
{
    public const string Variable = "AO_TEST_STORAGE";

    /// <summary>Tests that are about the SQLite file itself, or that run their own server processes on the embedded default.</summary>
    public const string SqliteOnly = "sqlite-only";

    /// <summary>Tests that choose their provider themselves (e.g. PostgreSQL migrations): they run once, in the first pass.</summary>
    public const string Explicit = "explicit";

    /// <summary>The server of <c>AO_POSTGRES_URL</c>, on the <c>ao_tests</c> database (created when missing).</summary>
    public static string PostgresServer => s_server.Value;

    private static readonly Lazy<string> s_server = new(CreateTestDatabase);

    public static bool IsPostgres => string.Equals(Environment.GetEnvironmentVariable(Variable), StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>The settings that put a server on the database named by <paramref name="databasePath"/>.</summary>
    public static Dictionary<string, string?> SettingsFor(string databasePath)
    {
        if (!IsPostgres)
        {
            return new() { ["ConnectionStrings:Approvals"] = $"Data Source={databasePath}" };
        }

        return new()
        {
            ["Storage:Provider"] = StorageOptions.Postgres,
            ["ConnectionStrings:Approvals"] = ConnectionStringFor(databasePath),
            ["Storage:DataDirectory"] = Path.GetDirectoryName(databasePath),
            // Short cluster check-ins, so a test host's scheduler never waits long on a dead one of an earlier run.
            ["Quartz:ClusterCheckinSeconds"] = "1",
        };
    }

    /// <summary>A <see cref="Database"/> on the same store a host started with <paramref name="databasePath"/> uses.</summary>
    public static Database Open(string databasePath, TimeProvider? clock = null, Action<StorageOptions>? configure = null)
    {
        var options = IsPostgres
            ? new StorageOptions { Provider = StorageOptions.Postgres, ConnectionString = ConnectionStringFor(databasePath), DataDirectory = Path.GetDirectoryName(databasePath) }
            : new StorageOptions { ConnectionString = $"Data Source={databasePath}" };
        configure?.Invoke(options);
        return IsPostgres ? new PostgresDatabase(Options.Create(options), clock ?? TimeProvider.System) : new SqliteDatabase(Options.Create(options));
    }

    private static string ConnectionStringFor(string databasePath)
    {
        var schema = "t_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(databasePath))))[..20];
        var builder = new NpgsqlConnectionStringBuilder(s_server.Value) { SearchPath = schema };
        using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {schema}", connection);
            try
            {
                create.ExecuteNonQuery();
            }
            catch (PostgresException ex) when (ex.SqlState is "23505" or "42P06")
            {
                // Another host of the same test created it at the same moment.
            }
        }

        return builder.ConnectionString;
    }

    private static string CreateTestDatabase()
    {
        // The same server variable (and the same sentence when it is missing) as the scratch databases of the scale-out tests.
        var url = Testing.ScaleOut.ScratchPostgres.ServerConnectionString;
        var admin = new NpgsqlConnectionStringBuilder(url) { Database = "postgres", Pooling = false };
        using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            connection.Open();
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = 'ao_tests'", connection);
            if (exists.ExecuteScalar() is null)
            {
                using var create = new NpgsqlCommand("CREATE DATABASE ao_tests", connection);
                try
                {
                    create.ExecuteNonQuery();
                }
                catch (PostgresException ex) when (ex.SqlState is "42P04" or "23505")
                {
                    // Created by a parallel test process.
                }
            }
        }

        // Hundreds of hosts each get their own pool: idle connections close quickly so the server's connection limit holds.
        return new NpgsqlConnectionStringBuilder(url)
        {
            Database = "ao_tests",
            MaxPoolSize = 20,
            ConnectionIdleLifetime = 2,
            ConnectionPruningInterval = 1,
        }.ConnectionString;
    }
}
