using ApprovalOrchestrator.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>The real server, in-process, on the RabbitMQ transport, with a fresh SQLite file and a name prefix of its own.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchServer(WebApplication app, string databasePath)
    {
        _app = app;
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }

    public static async Task<BenchServer> StartAsync(string brokerUrl, string prefix, string gatewayUrl, string gatewayToken, string directory)
    {
        var databasePath = Path.Combine(directory, "approvals.db");
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--ConnectionStrings:Approvals=Data Source={databasePath}",
            "--Bus:Transport=RabbitMq",
            $"--Bus:RabbitMq:Url={brokerUrl}",
            $"--Bus:RabbitMq:Prefix={prefix}",
            $"--Gateway:BaseUrl={gatewayUrl}",
            $"--Gateway:Token={gatewayToken}",
            // Per-request logging would measure the console, not the orchestrator.
            "--Logging:LogLevel:Default=Error",
            "--Logging:LogLevel:MassTransit=Critical",
            "--Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks=None",
        ];
        var app = ServerApp.Build(args);
        await ServerApp.InitializeAsync(app.Services, AppContext.BaseDirectory);
        await app.StartAsync();
        var server = new BenchServer(app, databasePath);

        // Ready means the bus is connected and every endpoint is bound: nothing published from now on is lost.
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!(await http.GetAsync("/health/ready")).IsSuccessStatusCode)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("The server was not ready within 30 s.");
            }

            await Task.Delay(100);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
