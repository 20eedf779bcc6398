using ApprovalOrchestrator.Contracts.V1;
using MassTransit;

namespace ApprovalOrchestrator.Cli.Bus;

/// <summary>
/// The client's own MassTransit bus: it publishes commands to the orchestrator's exchanges and hears the orchestrator's
/// events on a temporary queue (auto-delete, gone when aoctl exits) bound to the event exchanges.
/// </summary>
public sealed class EventBus : IAsyncDisposable
{
    private readonly IBusControl _bus;

    private EventBus(IBusControl bus) => _bus = bus;

    /// <summary>Connects and binds the event queue; every event received is handed to <paramref name="onEvent"/>.</summary>
    /// <exception cref="BrokerUnreachableException">The broker did not answer within <paramref name="connectTimeout"/>, or refused us.</exception>
    public static async Task<EventBus> StartAsync(BrokerAddress address, string prefix, Action<object> onEvent, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        await ProbeAsync(address, cancellationToken);
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            address.Configure(cfg);
            if (prefix.Length > 0)
            {
                // The server prefixes its message-type exchanges too (Bus:RabbitMq:Prefix); without the same prefix here
                // our publishes would reach no queue and we would hear nothing.
                cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, prefix));
            }

            cfg.ReceiveEndpoint(e =>
            {
                e.Handler<AgentRequestAccepted>(c => Hand(c.Message));
                e.Handler<AgentRequestRejected>(c => Hand(c.Message));
                e.Handler<ApprovalRequested>(c => Hand(c.Message));
                e.Handler<AgentRequestCompleted>(c => Hand(c.Message));
            });
        });

        Task Hand(object message)
        {
            onEvent(message);
            return Task.CompletedTask;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
        try
        {
            // Returns once the event queue is bound, so no event for what we publish next can be missed.
            await bus.StartAsync(timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await StopQuietlyAsync(bus);
            var reason = ex is OperationCanceledException ? $"no answer within {connectTimeout.TotalSeconds:0} s" : Innermost(ex).Message;
            throw new BrokerUnreachableException($"Cannot reach the broker at {address}: {reason}", ex);
        }
        catch
        {
            await StopQuietlyAsync(bus);
            throw;
        }

        return new EventBus(bus);
    }

    /// <summary>
    /// A plain TCP connect first: MassTransit keeps retrying a refused connection until our timeout, so "nothing listens
    /// there" (the most common mistake) would otherwise take the whole timeout to report.
    /// </summary>
    private static async Task ProbeAsync(BrokerAddress address, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        using var tcp = new System.Net.Sockets.TcpClient();
        try
        {
            await tcp.ConnectAsync(address.Host, address.Port, timeout.Token);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = ex is OperationCanceledException ? "no answer within 5 s" : ex.Message;
            throw new BrokerUnreachableException($"Cannot reach the broker at {address}: {reason}", ex);
        }
    }

    public Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class => _bus.Publish(message, cancellationToken);

    public async ValueTask DisposeAsync() => await StopQuietlyAsync(_bus);

    private static async Task StopQuietlyAsync(IBusControl bus)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await bus.StopAsync(stop.Token);
        }
        catch (Exception)
        {
            // Leaving anyway: the temporary queue is deleted by the broker when our connection drops.
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}

public sealed class BrokerUnreachableException(string message, Exception inner) : Exception(message, inner);
