using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Storage.Migrations;
using ApprovalOrchestrator.Runtime.Storage.Postgres;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ApprovalOrchestrator.Integration.Tests.Storage;

/// <summary>
/// The PostgreSQL provider's numbered migrations on a real server (AO_POSTGRES_URL): servers starting together migrate
/// once, and a database that disagrees with the build stops the start with a sentence instead of running on it.
/// </summary>
[Trait("Storage", TestStorage.Explicit)]
public sealed class PostgresMigrationTests
{
    [Fact]
    public async Task Three_servers_starting_together_apply_each_migration_once()
    {
        var schema = await NewSchemaAsync();
        var databases = Enumerable.Range(0, 3).Select(_ => Open(schema)).ToList();

        await Task.WhenAll(databases.Select(d => Task.Run(d.EnsureCreated, TestContext.Current.CancellationToken)));

        await using var connection = databases[0].Open();
        var versions = (await connection.QueryAsync<long>("SELECT version FROM schema_version ORDER BY version")).ToList();
        Assert.Equal(Migration.Load("postgres").Select(m => (long)m.Version), versions);
        // And the schema works: a row goes in and comes back.
        await connection.ExecuteAsync("INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('t', 'm', '2026-12-02T00:00:00.0000000Z')");
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM inbox"));
        databases.ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task A_released_migration_edited_after_it_was_applied_stops_the_start()
    {
        var schema = await NewSchemaAsync();
        using var database = Open(schema);
        database.EnsureCreated();
        await using (var connection = database.Open())
        {
            await connection.ExecuteAsync("UPDATE schema_version SET checksum = 'deadbeef' WHERE version = 1");
        }

        var error = Assert.Throws<SchemaMismatchException>(database.EnsureCreated);
        Assert.Contains("0001_initial differs from the one applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_newer_than_the_build_stops_the_start()
    {
        var schema = await NewSchemaAsync();
        using var database = Open(schema);
        database.EnsureCreated();
        await using (var connection = database.Open())
        {
            await connection.ExecuteAsync("INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (9999, 'future', 'x', 'now')");
        }

        var error = Assert.Throws<SchemaMismatchException>(database.EnsureCreated);
        Assert.Contains("newer than this build knows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_string_without_a_database_is_refused_with_the_setting_named()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PostgresDatabase.Normalize("Host=127.0.0.1;Username=u"));
        Assert.Contains("ConnectionStrings:Approvals must name Host and Database", error.Message, StringComparison.Ordinal);
    }

    private static PostgresDatabase Open(string schema) =>
        new(Options.Create(new StorageOptions
        {
            Provider = StorageOptions.Postgres,
            ConnectionString = new NpgsqlConnectionStringBuilder(TestStorage.PostgresServer) { SearchPath = schema }.ConnectionString,
        }), TimeProvider.System);

    private static async Task<string> NewSchemaAsync()
    {
        var schema = "m_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(TestStorage.PostgresServer);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync($"CREATE SCHEMA {schema}");
        return schema;
    }
}
