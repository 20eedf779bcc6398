using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>One server, one integrator and a raw AMQP connection per test class, under a name prefix of their own.</summary>
public abstract class BusFixture : IAsyncLifetime
{
    private FakeGateway? _gateway;

    public string Prefix { get; } = Broker.NewPrefix();

    internal OrchestratorServer Server { get; private set; } = null!;

    internal Integrator Integrator { get; private set; } = null!;

    internal RawBroker Raw { get; private set; } = null!;

    /// <summary>The fake Gateway when <see cref="WithGateway"/>.</summary>
    internal FakeGateway? Gateway => _gateway;

    /// <summary>With a (fake) Gateway, approved requests end <c>executed</c>; without one, <c>dry-run</c>.</summary>
    protected abstract bool WithGateway { get; }

    /// <summary>More server settings (<c>--Key=value</c>), e.g. bridges.</summary>
    protected virtual IReadOnlyList<string> ServerArgs => [];

    /// <summary>The server's clock, when a test must move it (budget windows); null: the real one.</summary>
    protected virtual TimeProvider? Clock => null;

    public string Queue(string name) => Prefix + name;

    public async ValueTask InitializeAsync()
    {
        Raw = await RawBroker.ConnectAsync();
        if (WithGateway)
        {
            _gateway = await FakeGateway.StartAsync();
        }

        Server = await OrchestratorServer.StartAsync(Prefix, gatewayUrl: _gateway?.BaseUrl, gatewayToken: _gateway?.Token, extraArgs: ServerArgs, clock: Clock);
        Integrator = await Integrator.StartAsync(Prefix);
    }

    public async ValueTask DisposeAsync()
    {
        await Integrator.DisposeAsync();
        await Server.DisposeAsync();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await DeleteEntitiesAsync(Raw, Prefix);
        await Raw.DisposeAsync();
    }

    /// <summary>Deletes every queue and exchange the server and the integrator declare under <paramref name="prefix"/>.</summary>
    internal static async Task DeleteEntitiesAsync(RawBroker raw, string prefix)
    {
        var queues = QueueNames.All.Append("integrator")
            .SelectMany(q => new[] { q, q + QueueNames.ErrorSuffix, q + QueueNames.SkippedSuffix })
            .Select(q => prefix + q)
            .ToList();
        var messageTypes = new[]
        {
            typeof(SubmitAgentRequest), typeof(SubmitApprovalDecision), typeof(AgentRequestAccepted), typeof(AgentRequestRejected),
            typeof(AgentRequestCompleted), typeof(ApprovalRequested), typeof(ClassifyRequest), typeof(ExecuteRequest), typeof(TimerFired),
        };
        var exchanges = queues
            .Concat(messageTypes.Select(t => $"{t.Namespace}:{t.Name}"))
            .Concat(messageTypes.Select(t => $"MassTransit:Fault--{t.Namespace}:{t.Name}--"))
            .Concat(["MassTransit:Fault", "MassTransit:ReceiveFault"])
            .Select(e => e.StartsWith(prefix, StringComparison.Ordinal) ? e : prefix + e)
            .ToList();
        await raw.DeleteAsync(queues, exchanges);
    }
}

public sealed class GatewayBusFixture : BusFixture
{
    protected override bool WithGateway => true;
}

public sealed class DryRunBusFixture : BusFixture
{
    protected override bool WithGateway => false;
}
