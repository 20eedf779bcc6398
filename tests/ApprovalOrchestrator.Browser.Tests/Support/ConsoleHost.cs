using ApprovalOrchestrator.LocalIdentity;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Browser.Tests.Support;

/// <summary>
/// The real server (Kestrel on 127.0.0.1:0, a fresh SQLite file, Quartz, the in-process bus), as the integration tests'
/// OrchestratorHost starts it, with token minting and an API client for setting up a scene.
/// </summary>
public sealed class ConsoleHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ConsoleHost(WebApplication app, string databasePath, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        // Trusting an OIDC provider there is no local key: tokens minted here are then refused, as they should be.
        Tokens = File.Exists(LocalSigningKey.PathBeside(databasePath))
            ? LocalTokenIssuer.BesideDatabase(databasePath)
            : new LocalTokenIssuer(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    }

    public Uri BaseAddress { get; }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public LocalTokenIssuer Tokens { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ConsoleHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var databasePath = Path.Combine(Path.GetTempPath(), "ao-browser-tests", Guid.NewGuid().ToString("N"), "approvals.db");
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Approvals"] = $"Data Source={databasePath}",
            ["Workflows:Directory"] = Path.Combine(AppContext.BaseDirectory, "workflows"),
            ["Quartz:SchedulerName"] = "browser-" + Guid.NewGuid().ToString("N"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = ServerApp.Build(all.Select(kv => $"--{kv.Key}={kv.Value}").ToArray());
        await ServerApp.InitializeAsync(app.Services, app.Environment.ContentRootPath);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ConsoleHost(app, databasePath, new Uri(address));
    }

    public string Token(string user, string roles, string groups = "") =>
        Tokens.Issue(user, groups.Split(',', StringSplitOptions.RemoveEmptyEntries), roles.Split(',', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Submits over the API as <paramref name="requester"/> (a submitter), on <paramref name="workflow"/> if named; returns the request's id.</summary>
    public async Task<Guid> SubmitAsync(string text, string requester = "alice", string? agentId = null, string roles = Roles.Submitter, string? workflow = null)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(requester, roles));
        var response = await client.PostAsJsonAsync("/api/requests", new { text, agentId, workflow }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Submit answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Reads a request over the API (as an auditor) until <paramref name="until"/> holds for it.</summary>
    public async Task<JsonElement> WaitForRequestAsync(Guid id, Func<JsonElement, bool> until)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("audrey", Roles.Auditor));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var body = JsonDocument.Parse(await client.GetStringAsync($"/api/requests/{id}", TestContext.Current.CancellationToken)).RootElement.Clone();
            if (until(body))
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Request {id} did not reach the expected state: {body}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
