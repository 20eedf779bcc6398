using ApprovalOrchestrator.Integration.Tests.Support;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.EntryPoints;

/// <summary>
/// Getting in: the server says where it listens and how to sign in; on the embedded default it prints a single-use link
/// for the local admin that opens the inbox once, and never prints one when tokens come from elsewhere.
/// </summary>
[Trait("Storage", TestStorage.SqliteOnly)]
public sealed class StartupBannerTests
{
    private static readonly Regex Link = new(@"Sign in as local-admin \(single use, expires in 10 minutes\): (http://127\.0\.0\.1:\d+/account/link\?code=[0-9a-f]{64})");

    [Fact]
    public async Task The_embedded_default_prints_where_it_listens_and_a_single_use_link_that_opens_the_inbox()
    {
        var directory = EntryPoint.FreshDirectory();
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(port, Database(directory), Path.Combine(directory, "server.log"));

        var log = await LogContainsAsync(server, "Sign in as local-admin");
        Assert.Contains($"ApprovalOrchestrator is listening on http://127.0.0.1:{port}: console at http://127.0.0.1:{port}/", log);
        var link = Link.Match(log);
        Assert.True(link.Success, log);

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };
        var redeem = await browser.GetAsync(link.Groups[1].Value, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, redeem.StatusCode);
        Assert.Equal("/inbox", redeem.Headers.Location!.OriginalString);
        var inbox = await browser.GetAsync("/inbox", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, inbox.StatusCode);
        Assert.Contains("local-admin", await inbox.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        using var other = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var again = await other.GetAsync(link.Groups[1].Value, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        var guessed = await other.GetAsync("/account/link?code=" + new string('0', 64), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, guessed.StatusCode);
    }

    [Fact]
    public async Task With_configured_signing_keys_no_link_is_printed_and_the_link_endpoint_does_not_exist()
    {
        var directory = EntryPoint.FreshDirectory();
        var settings = Database(directory);
        settings["Auth:SigningKeys:0"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var server = await ServerProcess.StartAsync(ServerProcess.FreePort(), settings, Path.Combine(directory, "server.log"));

        var log = await LogContainsAsync(server, "ApprovalOrchestrator is listening on");
        Assert.Contains("configured Auth:SigningKeys", log);
        Assert.DoesNotContain("Sign in as", log);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/account/link?code=" + new string('0', 64), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.10.0.3:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://192.168.1.20:5080", false)]
    [InlineData("http://approvals.example:5080", false)]
    public void Only_loopback_addresses_count_as_loopback_for_the_link(string address, bool loopback) =>
        Assert.Equal(loopback, StartupBanner.IsLoopback(address));

    private static Dictionary<string, string?> Database(string directory) =>
        new() { ["ConnectionStrings:Approvals"] = $"Data Source={Path.Combine(directory, "data", "approvals.db")}" };

    /// <summary>The banner is printed just after the server is ready: wait for it, with a deadline.</summary>
    private static async Task<string> LogContainsAsync(ServerProcess server, string text)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var log = await File.ReadAllTextAsync(server.LogPath, TestContext.Current.CancellationToken);
            if (log.Contains(text, StringComparison.Ordinal))
            {
                return log;
            }

            Assert.True(DateTime.UtcNow < until, $"The server's output never said '{text}':\n{log}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
