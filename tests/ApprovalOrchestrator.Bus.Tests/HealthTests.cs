using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ApprovalOrchestrator.Bus.Tests.Support;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>/health/ready includes the bus: a server that cannot reach its broker says so instead of accepting work it cannot route.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Ready_is_unhealthy_while_the_broker_is_unreachable()
    {
        _ = Broker.Url; // these tests run against a configured broker, even this one which avoids it
        await using var server = await OrchestratorServer.StartAsync(Broker.NewPrefix(), brokerUrl: $"amqp://guest:guest@127.0.0.1:{ClosedPort()}/", waitUntilReady: false);

        var response = await server.Http.GetAsync("/health/ready", Broker.Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Broker.Ct)).RootElement;
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("masstransit-bus").GetProperty("status").GetString());
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("bus").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/health/live", Broker.Ct)).StatusCode);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
