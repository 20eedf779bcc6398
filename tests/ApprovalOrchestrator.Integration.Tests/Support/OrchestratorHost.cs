using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ApprovalOrchestrator.Integration.Tests.Support;

/// <summary>
/// The real server (Kestrel on 127.0.0.1, a real SQLite file, real Quartz, the in-process bus) started in the test
/// process, with a client pointed at it. Restart by disposing and starting again on the same <see cref="DatabasePath"/>.
/// </summary>
public sealed class OrchestratorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OrchestratorHost(WebApplication app, string databasePath, Uri baseAddress)
    {
        _app = app;
        DatabasePath = databasePath;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public string DatabasePath { get; }

    public IServiceProvider Services => _app.Services;

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "ao-tests", Guid.NewGuid().ToString("N"), "approvals.db");

    public static string WorkflowsDirectory => Path.Combine(AppContext.BaseDirectory, "workflows");

    public static async Task<OrchestratorHost> StartAsync(string? databasePath = null, IDictionary<string, string?>? settings = null)
    {
        databasePath ??= NewDatabasePath();
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Approvals"] = $"Data Source={databasePath}",
            ["Workflows:Directory"] = WorkflowsDirectory,
            ["Quartz:SchedulerName"] = "test-" + Guid.NewGuid().ToString("N"),
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
        return new OrchestratorHost(app, databasePath, new Uri(address));
    }

    public static Dictionary<string, string?> WithGateway(string baseUrl, string token) => new()
    {
        ["Gateway:BaseUrl"] = baseUrl,
        ["Gateway:Token"] = token,
        ["Gateway:RetryBaseDelay"] = "00:00:00.050",
    };

    public async Task<(HttpResponseMessage Response, JsonElement Body)> SubmitAsync(object request)
    {
        var response = await Client.PostAsJsonAsync("/api/requests", request, TestContext.Current.CancellationToken);
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
        var response = await Client.GetAsync($"/api/requests/{id}", TestContext.Current.CancellationToken);
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

    public async Task<(HttpResponseMessage Response, JsonElement Body)> DecideAsync(
        Guid taskId, string user, string groups, string decision, string? decisionId = null, string? comment = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/tasks/{taskId}/decision")
        {
            Content = JsonContent.Create(new { decision, decisionId, comment }),
        };
        message.Headers.Add("X-User", user);
        message.Headers.Add("X-Groups", groups);
        var response = await Client.SendAsync(message, TestContext.Current.CancellationToken);
        return (response, await ReadAsync(response));
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
