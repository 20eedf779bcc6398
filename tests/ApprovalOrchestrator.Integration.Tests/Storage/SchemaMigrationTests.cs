using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Storage.Migrations;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Storage;

/// <summary>
/// Numbered, forward-only migrations recorded in <c>schema_version</c>: a database made by the release before them
/// upgrades in place and keeps working; a database newer than the build, or a released migration edited, stops the start.
/// </summary>
[Trait("Storage", TestStorage.SqliteOnly)]
public sealed class SchemaMigrationTests
{
    private static string FixtureCopy()
    {
        var path = OrchestratorHost.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "before-migrations.db"), path);
        return path;
    }

    /// <summary>When the fixture's first task opened (its timers are due 4 h and 24 h later).</summary>
    private static readonly DateTimeOffset FixtureMadeAt = DateTimeOffset.Parse("2026-12-02T10:52:49Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_database_made_before_migrations_upgrades_in_place_and_its_waiting_requests_still_complete()
    {
        var path = FixtureCopy();

        // The fixture's tasks opened at a fixed moment and their timers come due hours later: run the server a minute after
        // that moment, so the waiting requests are still waiting whatever day the suite runs (on the wall clock the amber
        // one escalated at 14:52 on the day it was made, and both expire within a day).
        var clock = new ShiftedClock();
        clock.Advance(FixtureMadeAt.AddMinutes(1) - DateTimeOffset.UtcNow);
        await using var server = await OrchestratorHost.StartAsync(path, configure: ShiftedClock.Install(clock));

        var versions = await Applied(server);
        Assert.Equal(Migration.Load("sqlite").Select(m => m.Version), versions);
        var waiting = await server.Admin.GetFromJsonAsync<JsonElement>("/api/requests?status=awaiting-approval", TestContext.Current.CancellationToken);
        Assert.Equal(2, waiting.GetProperty("total").GetInt32());
        var amber = waiting.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("risk").GetString() == "amber").GetProperty("id").GetGuid();
        var task = await server.OpenTaskIdAsync(amber);
        var (response, body) = await server.DecideAsync(task, "tina", "team-leads", "approve");
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        await server.WaitForStatusAsync(amber, "dry-run");
        var fresh = await server.SubmitOkAsync("Summarize the release notes.", requestId: "shared-key");
        await server.WaitForStatusAsync(fresh, "dry-run");
        // Migration 3 rebuilt `instances` without the release's global UNIQUE (request_id): another requester's key is theirs.
        var other = await server.SubmitOkAsync("Summarize the release notes.", requester: "mallory", requestId: "shared-key");
        Assert.NotEqual(fresh, other);
        var verify = await server.Admin.GetFromJsonAsync<JsonElement>("/api/audit/verify", TestContext.Current.CancellationToken);
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
    }

    [Fact]
    public async Task Starting_again_applies_nothing_twice()
    {
        var path = FixtureCopy();
        await using (var first = await OrchestratorHost.StartAsync(path))
        {
        }

        await using var second = await OrchestratorHost.StartAsync(path);

        var versions = await Applied(second);
        Assert.Equal(versions.Distinct(), versions);
        Assert.Equal(Migration.Load("sqlite").Count, versions.Count);
    }

    [Fact]
    public async Task A_database_newer_than_this_build_is_refused_at_start()
    {
        var path = FixtureCopy();
        await using (var first = await OrchestratorHost.StartAsync(path))
        {
            using var connection = first.Database.Open();
            await connection.ExecuteAsync("INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (9999, 'from_the_future', 'x', 'now')");
        }

        var refused = await Assert.ThrowsAsync<SchemaMismatchException>(() => OrchestratorHost.StartAsync(path));
        Assert.Contains("newer than this build", refused.Message);
    }

    [Fact]
    public async Task A_released_migration_edited_after_it_was_applied_is_refused_at_start()
    {
        var path = FixtureCopy();
        await using (var first = await OrchestratorHost.StartAsync(path))
        {
            using var connection = first.Database.Open();
            await connection.ExecuteAsync("UPDATE schema_version SET checksum = 'edited' WHERE version = 1");
        }

        var refused = await Assert.ThrowsAsync<SchemaMismatchException>(() => OrchestratorHost.StartAsync(path));
        Assert.Contains("0001_initial", refused.Message);
    }

    [Fact]
    public void Shipped_migrations_are_numbered_without_gaps() =>
        Assert.Equal(Enumerable.Range(1, Migration.Load("sqlite").Count), Migration.Load("sqlite").Select(m => m.Version));

    private static async Task<List<int>> Applied(OrchestratorHost server)
    {
        using var connection = server.Database.Open();
        return (await connection.QueryAsync<int>("SELECT version FROM schema_version ORDER BY version")).ToList();
    }
}
