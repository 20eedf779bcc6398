using ApprovalOrchestrator.Runtime.Messaging;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ApprovalOrchestrator.Server.Health;

/// <summary>
/// Ready only while every receive endpoint is connected. MassTransit's own check reports a lost broker as "degraded",
/// which ASP.NET answers with 200; a server that can neither hear nor route work must answer 503 instead.
/// (The definitions check keeps "degraded" meaning "ready, with a warning".)
/// </summary>
internal sealed class BusHealthCheck(IBusControl bus, BusOptions options) : IHealthCheck
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = bus.CheckHealth();
        if (health.Status != BusHealthStatus.Healthy)
        {
            return HealthCheckResult.Unhealthy($"The bus is {health.Status.ToString().ToLowerInvariant()}: {health.Description}");
        }

        // MassTransit keeps an endpoint "ready" until its in-flight consumers (possibly in retry backoff) drain, so under
        // load it reports a stopped broker as healthy for many seconds. Whether the broker accepts connections at all is
        // an independent, immediate signal.
        if (options.Transport == BusTransport.RabbitMq && !await BrokerAcceptsConnectionsAsync(cancellationToken))
        {
            return HealthCheckResult.Unhealthy("RabbitMQ does not accept connections.");
        }

        return HealthCheckResult.Healthy("The bus is connected.");
    }

    private async Task<bool> BrokerAcceptsConnectionsAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(options.RabbitMq.Url);
        var port = url.IsDefaultPort || url.Port < 0 ? (url.Scheme == "amqps" ? 5671 : 5672) : url.Port;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_connectTimeout);
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(url.Host, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
