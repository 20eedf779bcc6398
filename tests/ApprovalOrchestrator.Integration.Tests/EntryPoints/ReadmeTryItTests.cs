using ApprovalOrchestrator.Integration.Tests.Support;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.EntryPoints;

/// <summary>
/// The README's first command and its "Try it" block, run exactly as written from the repository root: the server with
/// <c>dotnet run</c> on port 5080, then the block in bash. Only the database moves to a temporary folder (through the
/// <c>ConnectionStrings__Approvals</c> variable both the server and aoctl read) and aoctl's config file with it.
/// </summary>
[Trait("Storage", TestStorage.SqliteOnly)]
public sealed class ReadmeTryItTests
{
    private const string ReadmeServer = "http://127.0.0.1:5080";

    [Fact]
    public async Task The_readme_first_command_and_try_it_block_work_as_written()
    {
        var block = TryItBlock(await File.ReadAllTextAsync(Path.Combine(EntryPoint.RepositoryRoot, "README.md"), TestContext.Current.CancellationToken));
        var directory = EntryPoint.FreshDirectory();
        var database = Path.Combine(directory, "approvals.db");
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Approvals"] = $"Data Source={database}",
            ["XDG_CONFIG_HOME"] = Path.Combine(directory, "config"),
            ["AOCTL_TOKEN"] = null,
            ["AOCTL_SERVER"] = null,
            ["ASPNETCORE_URLS"] = null,
        };
        Assert.True(PortIsFree(5080), "Port 5080 is taken: the README's server listens there. Stop whatever runs on it to run this test.");

        using var server = StartReadmeServer(environment, Path.Combine(directory, "server.log"));
        try
        {
            await WaitReadyAsync(server, Path.Combine(directory, "server.log"));

            var result = await ChildProcess.RunAsync("bash", ["-euo", "pipefail", "-c", block], EntryPoint.RepositoryRoot, environment, TimeSpan.FromMinutes(4), TestContext.Current.CancellationToken);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("\"status\":\"awaiting-approval\"", result.Stdout);  // the curl submit, classified in its own transaction
            Assert.Contains("Draft an email to finance", result.Stdout);          // aoctl tasks / show
            Assert.Contains("action hash", result.Stdout, StringComparison.OrdinalIgnoreCase);
            var auditor = new LocalTokenIssuer(LocalSigningKey.Load(LocalSigningKey.PathBeside(database))).Issue("auditor", [], ["auditor"]);
            using var client = new HttpClient { BaseAddress = new Uri(ReadmeServer) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
            var page = await client.GetFromJsonAsync<JsonElement>("/api/requests", TestContext.Current.CancellationToken);
            var request = Assert.Single(page.GetProperty("items").EnumerateArray());
            Assert.Equal("r-1", request.GetProperty("requestId").GetString());
            await WaitForStatusAsync(client, request.GetProperty("id").GetGuid(), "dry-run");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>The fenced block between the <c>try-it</c> markers.</summary>
    private static string TryItBlock(string readme)
    {
        var start = readme.IndexOf("<!-- try-it -->", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- /try-it -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md has no <!-- try-it --> block.");
        var lines = readme[start..end].Split('\n').Skip(1).Where(l => !l.StartsWith("```", StringComparison.Ordinal));
        return string.Join('\n', lines);
    }

    private static Process StartReadmeServer(Dictionary<string, string?> environment, string logPath)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = EntryPoint.RepositoryRoot, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "run", "--project", "src/ApprovalOrchestrator.Server" })
        {
            start.ArgumentList.Add(arg);
        }

        ChildProcess.ApplyEnvironment(start, environment);
        var process = Process.Start(start)!;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(Process server, string logPath)
    {
        using var probe = new HttpClient { BaseAddress = new Uri(ReadmeServer), Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddMinutes(3); // dotnet run checks the build first
        while (true)
        {
            Assert.False(server.HasExited, $"dotnet run exited with {(server.HasExited ? server.ExitCode : 0)}:\n{await File.ReadAllTextAsync(logPath)}");
            try
            {
                if ((await probe.GetAsync("/health/ready", TestContext.Current.CancellationToken)).IsSuccessStatusCode
                    && (await File.ReadAllTextAsync(logPath)).Contains("Sign in as local-admin", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < until, $"The README's server did not become ready:\n{await File.ReadAllTextAsync(logPath)}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static async Task WaitForStatusAsync(HttpClient client, Guid id, string status)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var request = await client.GetFromJsonAsync<JsonElement>($"/api/requests/{id}", TestContext.Current.CancellationToken);
            if (request.GetProperty("status").GetString() == status)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < until, $"Request {id} did not reach {status}: {request}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
