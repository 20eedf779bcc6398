using ApprovalOrchestrator.LocalIdentity;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Server.Identity;
using System.Text.Json;
using ApprovalOrchestrator.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ApprovalOrchestrator.Integration.Tests.Support;

/// <summary>
/// The real server (Kestrel on 127.0.0.1, a real SQLite file or PostgreSQL schema (<see cref="TestStorage"/>), real Quartz, the in-process bus) started in the test
/// process, with a client pointed at it. Restart by disposing and starting again on the same <see cref="DatabasePath"/>.
/// </summary>
public sealed class OrchestratorHost : IAsyncDisposable
{
    public const string DefaultUser = "alice";

    private readonly WebApplication _app;
    private readonly Uri _baseAddress;
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new();

    private OrchestratorHost(WebApplication app, string databasePath, Uri baseAddress)
    {
        _app = app;
        _baseAddress = baseAddress;
        DatabasePath = databasePath;
        // With configured keys (Auth:SigningKeys…) there is no local key: the clients then carry tokens the server refuses.
        Tokens = File.Exists(LocalSigningKey.PathBeside(databasePath))
            ? LocalTokenIssuer.BesideDatabase(databasePath)
            : new LocalTokenIssuer(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Anonymous = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Client = ClientFor(DefaultUser, [], [Roles.Submitter, Roles.Auditor]);
        Admin = ClientFor("ada-admin", [], [Roles.Admin, Roles.Auditor]);
    }

    /// <summary>Authenticated as <see cref="DefaultUser"/>, a submitter who may also read everything (auditor).</summary>
    public HttpClient Client { get; }

    /// <summary>An administrator (and auditor): sees every task, reassigns.</summary>
    public HttpClient Admin { get; }

    /// <summary>No Authorization header.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>Mints tokens with the server's local key (the file beside the database).</summary>
    public LocalTokenIssuer Tokens { get; }

    /// <summary>A client whose every call carries a fresh token for this user, groups and roles (one client per combination).</summary>
    public HttpClient ClientFor(string user, IEnumerable<string>? groups = null, IEnumerable<string>? roles = null)
    {
        var g = (groups ?? []).ToArray();
        var r = (roles ?? [Roles.Approver]).ToArray();
        return _clients.GetOrAdd($"{user}|{string.Join(',', g)}|{string.Join(',', r)}", _ =>
        {
            var client = new HttpClient { BaseAddress = _baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Issue(user, g, r));
            return client;
        });
    }

    /// <summary>An approver in the given comma-separated groups.</summary>
    public HttpClient Approver(string user, string groups) =>
        ClientFor(user, groups.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), [Roles.Approver]);

    public string DatabasePath { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The server's own store (SQLite file or PostgreSQL schema, per <see cref="TestStorage"/>).</summary>
    public Runtime.Storage.Database Database => _app.Services.GetRequiredService<Runtime.Storage.Database>();

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "ao-tests", Guid.NewGuid().ToString("N"), "approvals.db");

    public static string WorkflowsDirectory => Path.Combine(AppContext.BaseDirectory, "workflows");

    public static async Task<OrchestratorHost> StartAsync(string? databasePath = null, IDictionary<string, string?>? settings = null, OrchestratorHostSetup? configure = null)
    {
        databasePath ??= NewDatabasePath();
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Workflows:Directory"] = WorkflowsDirectory,
            ["Quartz:SchedulerName"] = "test-" + Guid.NewGuid().ToString("N"),
            ["Logging:LogLevel:Default"] = "Warning",
            // The test workflows (short timeouts) may be named in a request's 'workflow': the seeded default binding allows
            // them, as an operator would with Workflows:AllowChoice. Every other choice is refused (see PolicyChoiceTests).
            ["Workflows:AllowChoice:0"] = "fast-escalation",
            ["Workflows:AllowChoice:1"] = "escalate-then-wait",
            ["Workflows:AllowChoice:2"] = "majority-quorum",
        };
        foreach (var (key, value) in TestStorage.SettingsFor(databasePath))
        {
            all[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = ServerApp.Build(all.Select(kv => $"--{kv.Key}={kv.Value}").ToArray(), configure is null ? null : b => configure(b));
        await ServerApp.InitializeAsync(app.Services, app.Environment.ContentRootPath);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OrchestratorHost(app, databasePath, new Uri(address));
    }

    /// <summary>
    /// <paramref name="settings"/> (or none) plus <c>Outbox:KeepDispatched</c>: published outbox rows are kept, marked,
    /// instead of deleted, for a test that reads what the server sent.
    /// </summary>
    public static Dictionary<string, string?> KeepingSentMessages(Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["Outbox:KeepDispatched"] = "true";
        return settings;
    }

    public static Dictionary<string, string?> WithGateway(string baseUrl, string token) => new()
    {
        ["Gateway:BaseUrl"] = baseUrl,
        ["Gateway:Token"] = token,
        ["Gateway:RetryBaseDelay"] = "00:00:00.050",
    };

    /// <summary>Submits as the body's requester (a submitter whose token names them), or as <see cref="DefaultUser"/>.</summary>
    public async Task<(HttpResponseMessage Response, JsonElement Body)> SubmitAsync(object request)
    {
        var json = JsonSerializer.SerializeToElement(request);
        var user = json.TryGetProperty("requester", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : DefaultUser;
        var response = await ClientFor(user, [], [Roles.Submitter]).PostAsJsonAsync("/api/requests", request, TestContext.Current.CancellationToken);
        return (response, await ReadAsync(response));
    }

    public async Task<Guid> SubmitOkAsync(string text, string requester = "alice", string? workflow = null, object? tool = null, string? requestId = null)
    {
        var (response, body) = await SubmitAsync(new { requestId, requester, text, workflow, tool });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"Submit answered {(int)response.StatusCode}: {body}");
        return body.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> GetRequestAsync(Guid id)
    {
        var response = await Admin.GetAsync($"/api/requests/{id}", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response);
    }

    /// <summary>Polls until the request reaches <paramref name="status"/>; fails with the last state seen at the deadline.</summary>
    public async Task<JsonElement> WaitForStatusAsync(Guid id, string status, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var request = await GetRequestAsync(id);
            var current = request.GetProperty("status").GetString();
            if (current == status)
            {
                return request;
            }

            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Request {id} did not reach '{status}' in time; it is '{current}': {request}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async Task<Guid> OpenTaskIdAsync(Guid requestId)
    {
        var request = await WaitForStatusAsync(requestId, "awaiting-approval");
        return request.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("status").GetString() == "open").GetProperty("id").GetGuid();
    }

    /// <summary>Decides as an approver in <paramref name="groups"/>, on the task's current action hash (read as admin) unless one is given.</summary>
    public async Task<(HttpResponseMessage Response, JsonElement Body)> DecideAsync(
        Guid taskId, string user, string groups, string decision, string? decisionId = null, string? comment = null, string? actionHash = null)
    {
        actionHash ??= await ActionHashAsync(taskId);
        comment ??= decision == "reject" ? "Not like this." : null;
        var response = await Approver(user, groups).PostAsJsonAsync($"/api/tasks/{taskId}/decision", new { decision, decisionId, comment, actionHash }, TestContext.Current.CancellationToken);
        return (response, await ReadAsync(response));
    }

    public async Task<JsonElement> GetTaskAsync(Guid taskId)
    {
        var response = await Admin.GetAsync($"/api/tasks/{taskId}", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response);
    }

    public async Task<string> ActionHashAsync(Guid taskId) => (await GetTaskAsync(taskId)).GetProperty("actionHash").GetString()!;

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        Anonymous.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
