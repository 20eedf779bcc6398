using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.EntryPoints;

/// <summary>
/// <c>ApprovalOrchestrator.Server demo</c> as a newcomer runs it, on a fresh directory: the story in four tables, exit 0;
/// and the one-line refusals instead of crashes (the demo once died with a DI error and no test noticed).
/// </summary>
[Trait("Storage", TestStorage.SqliteOnly)]
public sealed class DemoProcessTests
{
    [Fact]
    public async Task The_demo_tells_the_whole_story_on_a_fresh_directory_and_exits_0()
    {
        var directory = EntryPoint.FreshDirectory();

        var result = await EntryPoint.ServerAsync(directory, "demo");

        Assert.True(result.ExitCode == 0, result.ToString());
        var output = result.Stdout;
        foreach (var stage in new[] { "== 1. Classification", "== 2. Approvals", "== 3. Execution", "== 4. Audit trail" })
        {
            Assert.Contains(stage, output);
        }

        // Classification: the five reference requests with their risks and terms.
        Assert.Matches(@"(?m)^1\s+green\s+dry-run", output);
        Assert.Matches(@"(?m)^2\s+amber\s+awaiting-approval\s+email, budget", output);
        Assert.Matches(@"(?m)^3\s+red\s+awaiting-approval\s+payroll", output);
        Assert.Matches(@"(?m)^4\s+red\s+awaiting-approval\s+transfer funds", output);
        Assert.Matches(@"(?m)^5\s+red\s+awaiting-approval\s+run shell", output);
        // Approvals: the team lead, the requester refused, one officer counted once, two distinct officers.
        Assert.Matches(@"(?m)^2\s+tina\s+.*recorded\s+1 of 1", output);
        Assert.Matches(@"(?m)^3\s+riley\s+approve their own request\s+403 refused", output);
        Assert.Matches(@"(?m)^3\s+sam\s+approve again \(same person\)\s+not counted again.*1 of 2", output);
        Assert.Matches(@"(?m)^3\s+olivia\s+.*recorded\s+2 of 2", output);
        // Execution: all five dry-run, the exact request shown with the token redacted.
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(output, @"(?m)^\d\s+dry-run\s+POST http://gateway\.invalid/v1/chat/completions").Count);
        Assert.Contains("Authorization: Bearer [redacted]", output);
        Assert.Contains("\"model\": \"openclaw:main\"", output);
        // Audit: exported and verified.
        Assert.Matches(@"chain\s+intact", output);
        var csv = Assert.Single(Directory.GetFiles(Path.Combine(directory, "data"), "demo-audit-*.csv"));
        var lines = File.ReadAllLines(csv);
        Assert.StartsWith("request_id,seq,kind,actor,at,", lines[0]);
        Assert.Contains(lines, l => l.Contains(",decision,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",execution-finished,", StringComparison.Ordinal));
        Assert.Contains("Demo complete", output);
    }

    [Fact]
    public async Task With_a_Gateway_configured_the_demo_sends_each_request_for_real_and_never_shows_the_token()
    {
        var directory = EntryPoint.FreshDirectory();
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var result = await EntryPoint.ServerAsync(directory, "demo", $"--Gateway:BaseUrl={gateway.BaseUrl}", $"--Gateway:Token={gateway.Token}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(result.Stdout, $@"(?m)^\d\s+executed\s+POST {System.Text.RegularExpressions.Regex.Escape(gateway.BaseUrl)}/v1/chat/completions\s+HTTP 200").Count);
        Assert.Equal(5, gateway.RequestsTo("/v1/chat/completions").Count);
        Assert.DoesNotContain(gateway.Token, result.Stdout + result.Stderr);
        var sent = Assert.Single(Directory.GetFiles(Path.Combine(directory, "data"), "demo-requests-*.http"));
        Assert.DoesNotContain(gateway.Token, await File.ReadAllTextAsync(sent, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_demo_with_leave_waiting_stops_after_classification_and_the_tasks_stay_for_the_console()
    {
        var directory = EntryPoint.FreshDirectory();

        var result = await EntryPoint.ServerAsync(directory, "demo", "--leave-waiting");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("4 request(s) wait for approval", result.Stdout);
        Assert.DoesNotContain("== 2. Approvals", result.Stdout);
        await using var server = await OrchestratorHost.StartAsync(Path.Combine(directory, "data", "approvals.db"));
        var page = await server.Admin.GetFromJsonAsync<JsonElement>("/api/requests?status=awaiting-approval", TestContext.Current.CancellationToken);
        Assert.Equal(4, page.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_demo_refuses_in_one_line_while_a_server_runs_on_the_same_database()
    {
        var directory = EntryPoint.FreshDirectory();
        var database = $"Data Source={Path.Combine(directory, "data", "approvals.db")}";
        await using var server = await ServerProcess.StartAsync(ServerProcess.FreePort(), new Dictionary<string, string?> { ["ConnectionStrings:Approvals"] = database }, Path.Combine(directory, "server.log"));

        var result = await EntryPoint.ServerAsync(directory, "demo", $"--ConnectionStrings:Approvals={database}");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("the server is running on this database", line);
        Assert.Contains("stop it first", line);
    }

    [Fact]
    public async Task A_second_server_on_the_same_database_stops_with_the_same_sentence()
    {
        var directory = EntryPoint.FreshDirectory();
        var database = $"Data Source={Path.Combine(directory, "data", "approvals.db")}";
        await using var first = await ServerProcess.StartAsync(ServerProcess.FreePort(), new Dictionary<string, string?> { ["ConnectionStrings:Approvals"] = database }, Path.Combine(directory, "server.log"));

        var second = await EntryPoint.ServerAsync(directory, $"--urls=http://127.0.0.1:{ServerProcess.FreePort()}", $"--ConnectionStrings:Approvals={database}");

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("the server is running on this database", second.Stderr);
    }
}
