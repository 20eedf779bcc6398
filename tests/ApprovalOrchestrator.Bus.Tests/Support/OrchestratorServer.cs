using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Server.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>The real server, in-process, on the RabbitMQ transport, with its own SQLite file and name prefix.</summary>
internal sealed class OrchestratorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private OrchestratorServer(WebApplication app, string directory, ConsumedMessages consumed)
    {
        _app = app;
        _directory = directory;
        Consumed = consumed;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address) };
        // Queries need a token: an auditor's, minted with the key the server generated beside its database.
        Tokens = ApprovalOrchestrator.LocalIdentity.LocalTokenIssuer.BesideDatabase(Path.Combine(directory, "approvals.db"));
        var token = Tokens.Issue("bus-tests", [], ["auditor"]);
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public HttpClient Http { get; }

    /// <summary>Mints tokens with the key this server verifies: approvers' own tokens for bus decisions, bridge tokens.</summary>
    public ApprovalOrchestrator.LocalIdentity.LocalTokenIssuer Tokens { get; }

    /// <summary>An approver's own token, as a bridge-less integration would carry it in <c>SubmitApprovalDecision.BearerToken</c>.</summary>
    public string ApproverToken(string user, params string[] groups) => Tokens.Issue(user, groups, ["approver"]);

    /// <summary>What the server's consumers finished (or faulted) on, to wait on work that publishes nothing.</summary>
    public ConsumedMessages Consumed { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<OrchestratorServer> StartAsync(
        string prefix, string? brokerUrl = null, string? gatewayUrl = null, string? gatewayToken = null, bool waitUntilReady = true, IEnumerable<string>? extraArgs = null,
        TimeProvider? clock = null)
    {
        var directory = Directory.CreateTempSubdirectory("ao-bus-tests-").FullName;
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            $"--ConnectionStrings:Approvals=Data Source={Path.Combine(directory, "approvals.db")}",
            "--Bus:Transport=RabbitMq",
            $"--Bus:RabbitMq:Url={brokerUrl ?? Broker.Url}",
            $"--Bus:RabbitMq:Prefix={prefix}",
            "--Logging:LogLevel:Default=Error",
            "--Logging:LogLevel:MassTransit=Critical",
            // Unready answers while starting are expected here; the tests assert on them.
            "--Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks=None",
        };
        if (gatewayUrl is not null)
        {
            args.Add($"--Gateway:BaseUrl={gatewayUrl}");
            args.Add($"--Gateway:Token={gatewayToken}");
        }

        args.AddRange(extraArgs ?? []);
        var consumed = new ConsumedMessages();
        var app = ServerApp.Build([.. args], builder =>
        {
            builder.Services.AddConsumeObserver(_ => consumed);
            if (clock is not null)
            {
                builder.Services.AddSingleton(clock);
            }
        });
        await ServerApp.InitializeAsync(app.Services, AppContext.BaseDirectory);
        await app.StartAsync(Broker.Ct);
        var server = new OrchestratorServer(app, directory, consumed);
        if (waitUntilReady)
        {
            // Ready means the bus is connected and every endpoint's topology is bound: nothing published from now on is lost.
            await Eventually.TrueAsync(async () => (await server.Http.GetAsync("/health/ready", Broker.Ct)).IsSuccessStatusCode, "the server to be ready");
        }

        return server;
    }

    public async Task<JsonElement> GetRequestAsync(Guid instanceId) =>
        await Http.GetFromJsonAsync<JsonElement>($"/api/requests/{instanceId}", Broker.Ct);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite handle may linger a moment; the temp folder is only litter.
        }
    }
}
