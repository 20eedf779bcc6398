using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Console;

/// <summary>
/// Console sessions are protected with keys kept with the data (beside the SQLite file, or in the shared PostgreSQL
/// database), so a restart (or another node behind the load balancer) does not sign people out.
/// </summary>
public sealed class ConsoleKeysTests
{
    [Fact]
    public async Task A_signed_in_session_survives_a_server_restart_and_the_keys_are_owner_only()
    {
        var first = await OrchestratorHost.StartAsync();
        var database = first.DatabasePath;
        using var session = await ConsoleSession.SignInAsync(first, "tina", "approver", "team-leads");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/inbox")).StatusCode);
        await first.DisposeAsync();

        await using var second = await OrchestratorHost.StartAsync(database);
        using var sameBrowser = session.With(second);
        var response = await sameBrowser.GetAsync("/inbox");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (TestStorage.IsPostgres)
        {
            await using var connection = second.Database.Open();
            Assert.True(await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM console_keys") > 0);
            return;
        }

        var keys = Path.Combine(Path.GetDirectoryName(database)!, "console-keys");
        Assert.NotEmpty(Directory.GetFiles(keys));
        Assert.False(OperatingSystem.IsWindows(), "These tests run on Linux, where the folder must be owner-only.");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        }
    }
}
