using System.Collections.Concurrent;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Messaging;
using MassTransit;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>
/// The integrating system's side: its own MassTransit bus on the same broker (and name prefix), publishing commands and
/// hearing the orchestrator's events on a queue of its own — it shares no code path with the server but the contracts.
/// </summary>
internal sealed class Integrator : IAsyncDisposable
{
    private readonly IBusControl _bus;
    private readonly ConcurrentQueue<Received> _received = new();

    private Integrator(IBusControl bus) => _bus = bus;

    public sealed record Received(Guid? MessageId, object Message);

    public static string QueueName(string prefix) => prefix + "integrator";

    /// <summary>Starts on the broker as the default user, or as the user in <paramref name="brokerUrl"/> (a restricted integrator).</summary>
    public static async Task<Integrator> StartAsync(string prefix, string? brokerUrl = null, string? queue = null)
    {
        Integrator? integrator = null;
        var bus = global::MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            BusConfiguration.ConfigureHost(cfg, brokerUrl is null ? Broker.Options(prefix) : new RabbitMqBusOptions { Url = brokerUrl, Prefix = prefix });
            cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, prefix));
            cfg.ReceiveEndpoint(queue ?? QueueName(prefix), e =>
            {
                e.Handler<AgentRequestAccepted>(c => integrator!.Record(c));
                e.Handler<AgentRequestRejected>(c => integrator!.Record(c));
                e.Handler<AgentRequestCompleted>(c => integrator!.Record(c));
                e.Handler<ApprovalRequested>(c => integrator!.Record(c));
            });
        });
        integrator = new Integrator(bus);
        await bus.StartAsync(Broker.Ct);
        return integrator;
    }

    /// <summary>Publishes with a known MessageId, so a test can find the message again (error queue, rejection id).</summary>
    public Task<Guid> PublishAsync<T>(T message)
        where T : class => PublishAsync(message, Broker.Ct);

    public async Task<Guid> PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        var id = NewId.NextGuid();
        await _bus.Publish(message, c => c.MessageId = id, cancellationToken);
        return id;
    }

    public IReadOnlyList<Received> All<T>() => _received.Where(r => r.Message is T).ToList();

    public IReadOnlyList<T> Messages<T>(Func<T, bool>? where = null) =>
        _received.Select(r => r.Message).OfType<T>().Where(m => where?.Invoke(m) ?? true).ToList();

    public Task<T> WaitForAsync<T>(Func<T, bool> where, string what, TimeSpan? timeout = null)
        where T : class =>
        Eventually.GetAsync(() => Task.FromResult(Messages(where).FirstOrDefault()), what, timeout);

    public Task<Received> WaitForIdAsync(Guid messageId, string what) =>
        Eventually.GetAsync(() => Task.FromResult(_received.FirstOrDefault(r => r.MessageId == messageId)), what);

    private Task Record<T>(ConsumeContext<T> context)
        where T : class
    {
        _received.Enqueue(new Received(context.MessageId, context.Message));
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync(CancellationToken.None);
}
