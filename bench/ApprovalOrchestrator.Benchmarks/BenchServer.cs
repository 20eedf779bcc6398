using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Testing.ScaleOut;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// The real server, in-process, on a <see cref="BenchStore"/>, on RabbitMQ (with a name prefix of its own) or the
/// in-process bus, with a fake Gateway. Its local signing key is made first, so the benchmark can sign approvers' tokens.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchServer(WebApplication app, Uri address, LocalTokenIssuer tokens)
    {
        _app = app;
        Address = address;
        Tokens = tokens;
    }

    /// <summary>Errors only: per-request logging would measure the console, not the orchestrator.</summary>
    public static IReadOnlyDictionary<string, string?> QuietLogging { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Error",
        ["Logging:LogLevel:MassTransit"] = "Critical",
        ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
    };

    public Uri Address { get; }

    public LocalTokenIssuer Tokens { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="brokerUrl">RabbitMQ, or null for the in-process bus.</param>
    /// <param name="defaultLogging">Log as the server does out of the box (to measure it); otherwise errors only.</param>
    public static async Task<BenchServer> StartAsync(
        BenchStore store, string? brokerUrl, string prefix, string gatewayUrl, string gatewayToken, string directory,
        bool defaultLogging = false, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var keyFile = Path.Combine(directory, LocalSigningKey.FileName);
        LocalSigningKey.LoadOrCreate(keyFile);
        var settings = new Dictionary<string, string?>(store.Settings)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Auth:LocalKeyFile"] = keyFile,
        };
        var layers = new[]
        {
            ClusterSettings.Gateway(gatewayUrl, gatewayToken),
            brokerUrl is null ? null : ClusterSettings.RabbitMq(brokerUrl, prefix),
            defaultLogging ? null : QuietLogging,
            extra,
        };
        foreach (var (key, value) in layers.OfType<IReadOnlyDictionary<string, string?>>().SelectMany(layer => layer))
        {
            settings[key] = value;
        }

        var app = ServerApp.Build(settings.Select(s => $"--{s.Key}={s.Value}").ToArray());
        await ServerApp.InitializeAsync(app.Services, AppContext.BaseDirectory);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var server = new BenchServer(app, address, LocalTokenIssuer.FromKeyFile(keyFile));

        // Ready means the bus is connected and every endpoint is bound: nothing published from now on is lost.
        using var http = new HttpClient { BaseAddress = address };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!(await http.GetAsync("/health/ready")).IsSuccessStatusCode)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("The server was not ready within 60 s.");
            }

            await Task.Delay(100);
        }

        return server;
    }

    /// <summary>An HTTP client signed in as <paramref name="user"/>.</summary>
    public HttpClient Client(string user, string[] groups, string[] roles)
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.Issue(user, groups, roles, TimeSpan.FromHours(2)));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
