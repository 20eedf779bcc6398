using System.Net;
using System.Net.Sockets;
using ApprovalOrchestrator.Bus.Tests.Support;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>
/// <c>aoctl publish</c>, the integrators' example, run as a separate process against a server on RabbitMQ with no Gateway
/// (so approved or green requests end <c>dry-run</c>).
/// </summary>
public sealed class AoctlPublishTests(DryRunBusFixture fixture) : IClassFixture<DryRunBusFixture>
{
    private const string Green = "Summarize our AI governance policy for internal use.";

    [Fact]
    public async Task Green_file_completes_every_request_and_exits_0()
    {
        var fileId = Requests.NewId("cli");
        var file = WriteFile(
            $$"""{"requestId":"{{fileId}}","requester":"employee-007","text":"{{Green}}"}""",
            "",
            $$"""{"text":"{{Green}}","tool":null}""");

        // Four from two lines: the file's id, then id~2, and generated ids for the line without one.
        var result = await Aoctl.RunAsync("publish", "--file", file, "--count", "4", "--prefix", fixture.Prefix, "--url", Broker.Url, "--json", "--timeout", "30s");

        Assert.True(result.ExitCode == 0, result.ToString());
        var completed = result.EventsNamed("completed");
        Assert.Equal(4, completed.Count);
        Assert.All(completed, c =>
        {
            Assert.Equal("dry-run", c.GetProperty("message").GetProperty("status").GetString());
            Assert.Equal("green", c.GetProperty("message").GetProperty("risk").GetString());
        });
        var ids = completed.Select(c => c.GetProperty("requestId").GetString()).ToHashSet();
        Assert.Equal(4, ids.Count);
        Assert.Contains(fileId, ids);
        Assert.Contains(fileId + "~2", ids);
        Assert.Equal(ids, result.EventsNamed("accepted").Select(a => a.GetProperty("requestId").GetString()).ToHashSet());
        Assert.Contains("all 4 request(s) ended", result.Stderr);
    }

    [Fact]
    public async Task Reference_requests_time_out_with_exit_2_while_four_wait_for_approval()
    {
        var result = await Aoctl.RunAsync("publish", "--reference", "--prefix", fixture.Prefix, "--url", Broker.Url, "--json", "--timeout", "10s");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(5, result.EventsNamed("accepted").Count);
        var completed = Assert.Single(result.EventsNamed("completed"));
        Assert.Equal(("dry-run", "green"), (completed.GetProperty("message").GetProperty("status").GetString(), completed.GetProperty("message").GetProperty("risk").GetString()));
        Assert.Equal(["amber", "red", "red", "red"], result.EventsNamed("approval").Select(a => a.GetProperty("message").GetProperty("risk").GetString()!).Order().ToArray());
        Assert.Contains("4 of 5 request(s) still waiting (4 awaiting approval", result.Stderr);
        Assert.Contains("do not complete by themselves", result.Stderr);
        Assert.DoesNotContain("aoctl: waiting (", result.Stderr); // --json: no progress lines
    }

    [Fact]
    public async Task Waiting_for_an_approval_prints_a_progress_line_on_stderr_per_interval()
    {
        var file = WriteFile($$"""{"requestId":"{{Requests.NewId("cli-wait")}}","requester":"employee-007","text":"Draft an email to the team about the offsite."}""");

        var result = await Aoctl.RunAsync("publish", "--file", file, "--prefix", fixture.Prefix, "--url", Broker.Url, "--timeout", "12s");

        Assert.True(result.ExitCode == 2, result.ToString());
        var progress = result.Stderr.Split('\n').Where(l => l.StartsWith("aoctl: waiting (", StringComparison.Ordinal)).ToList();
        Assert.True(progress.Count >= 1, result.ToString());
        Assert.Contains(progress, l => l.Contains("1 of 1 request(s) open (1 awaiting approval", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_file_line_exits_1_naming_the_line()
    {
        var file = WriteFile($$"""{"text":"{{Green}}"}""", """{"requester":"employee-001"}""", "{not json");

        var result = await Aoctl.RunAsync("publish", "--file", file, "--prefix", fixture.Prefix, "--url", Broker.Url);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"aoctl: {file}:2: text is required.", result.Stderr.Trim());
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Unreachable_broker_exits_1_with_one_line()
    {
        // A port nothing listens on: bind one, note it, release it.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Aoctl.RunAsync("publish", "--reference", "--url", $"amqp://guest:secret@127.0.0.1:{port}/");

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"aoctl: Cannot reach the broker at amqp://guest@127.0.0.1:{port}/", line);
        Assert.DoesNotContain("secret", result.Stderr);
    }

    private static string WriteFile(params string[] lines)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aoctl-tests-").FullName, "requests.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }
}
