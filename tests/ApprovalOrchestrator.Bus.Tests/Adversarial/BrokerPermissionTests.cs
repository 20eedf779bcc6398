using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ApprovalOrchestrator.Bus.Tests.Adversarial;

/// <summary>
/// The broker keeps integrators away from the orchestrator's internal messages. A user created with exactly the
/// permissions of docs/bus.md (<see cref="BrokerPermissions.Integrator"/>) connects to the real broker: the internal
/// exchanges, the orchestrator's queues and other publishers' decisions refuse it (ACCESS_REFUSED, 403), while the
/// public commands and events work through an ordinary MassTransit integrator.
/// </summary>
public sealed class BrokerPermissionTests(DryRunBusFixture fixture) : IClassFixture<DryRunBusFixture>, IAsyncLifetime
{
    private readonly string _user = fixture.Prefix + "integrator";
    private readonly string _password = Guid.NewGuid().ToString("N");

    private string Url => new UriBuilder(Broker.Url) { UserName = _user, Password = _password }.Uri.ToString();

    public async ValueTask InitializeAsync()
    {
        var (configure, write, read) = BrokerPermissions.Integrator(Integrator.QueueName(fixture.Prefix), fixture.Prefix);
        await BrokerControl.RunAsync("add_user", _user, _password);
        await BrokerControl.RunAsync("set_permissions", "-p", "/", _user, configure, write, read);
    }

    private string RestrictedQueue => Integrator.QueueName(fixture.Prefix) + "-restricted";

    public async ValueTask DisposeAsync()
    {
        await BrokerControl.RunAsync("delete_user", _user);
        var queues = new[] { RestrictedQueue, RestrictedQueue + QueueNames.ErrorSuffix, RestrictedQueue + QueueNames.SkippedSuffix };
        await fixture.Raw.DeleteAsync(queues, queues);
    }

    [Theory]
    [InlineData(typeof(TimerFired))]
    [InlineData(typeof(ClassifyRequest))]
    [InlineData(typeof(ExecuteRequest))]
    public async Task Integrator_publishing_an_internal_message_type_is_refused_by_the_broker(Type internalType)
    {
        var exchange = BrokerPermissions.ExchangeFor(internalType, fixture.Prefix);
        Assert.Equal(403, await PublishRefusalAsync(exchange, ""));
    }

    [Theory]
    [InlineData(QueueNames.Classify)]
    [InlineData(QueueNames.Execute)]
    [InlineData(QueueNames.Timers)]
    [InlineData(QueueNames.Intake)]
    [InlineData(QueueNames.Decisions)]
    public async Task Integrator_sending_straight_to_an_orchestrator_queue_is_refused(string queue)
    {
        Assert.Equal(403, await PublishRefusalAsync(fixture.Queue(queue), ""));
        // The default exchange routes by queue name: it is not open to the integrator either.
        Assert.Equal(403, await PublishRefusalAsync("", fixture.Queue(queue)));
    }

    [Theory]
    [InlineData(QueueNames.Decisions)]
    [InlineData(QueueNames.Timers)]
    [InlineData(QueueNames.Decisions + QueueNames.ErrorSuffix)]
    public async Task Integrator_reading_an_orchestrator_queue_is_refused(string queue)
    {
        Assert.Equal(403, await RefusalAsync(channel => channel.BasicGetAsync(fixture.Queue(queue), autoAck: false, Broker.Ct)));
    }

    [Fact]
    public async Task Integrator_binding_its_queue_to_other_publishers_decisions_is_refused()
    {
        // Decisions carry bearer tokens: one integrator must not be able to listen to another's.
        var decisions = BrokerPermissions.ExchangeFor(typeof(SubmitApprovalDecision), fixture.Prefix);
        Assert.Equal(403, await RefusalAsync(async channel =>
        {
            var queue = Integrator.QueueName(fixture.Prefix) + "-snoop";
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true, cancellationToken: Broker.Ct);
            await channel.QueueBindAsync(queue, decisions, "", cancellationToken: Broker.Ct);
        }));
    }

    [Fact]
    public async Task Integrator_deleting_or_redeclaring_an_internal_exchange_is_refused()
    {
        var timers = BrokerPermissions.ExchangeFor(typeof(TimerFired), fixture.Prefix);
        Assert.Equal(403, await RefusalAsync(channel => channel.ExchangeDeleteAsync(timers, cancellationToken: Broker.Ct)));
        Assert.Equal(403, await RefusalAsync(channel => channel.ExchangeDeclareAsync(fixture.Queue(QueueNames.Classify), ExchangeType.Fanout, durable: true, cancellationToken: Broker.Ct)));
    }

    [Fact]
    public async Task Integrator_with_these_permissions_submits_and_hears_the_outcome_through_masstransit()
    {
        // A queue of its own (named under its prefix, as its permissions require), so the fixture's integrator does not share it.
        await using var restricted = await Integrator.StartAsync(fixture.Prefix, Url, RestrictedQueue);
        var request = Requests.Green(Requests.NewId("restricted"));
        await restricted.PublishAsync(request);

        var completed = await restricted.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == request.RequestId, "the restricted integrator's request to complete");
        Assert.Equal("dry-run", completed.Status);
        Assert.NotEmpty(restricted.Messages<AgentRequestAccepted>(a => a.RequestId == request.RequestId));
    }

    [Fact]
    public async Task Integrator_publishing_a_decision_command_is_allowed_by_the_broker()
    {
        Assert.Null(await PublishRefusalAsync(BrokerPermissions.ExchangeFor(typeof(SubmitApprovalDecision), fixture.Prefix), "", "{}"));
    }

    [Fact]
    public void Shipped_broker_definitions_and_docs_hold_exactly_these_permissions()
    {
        var root = Testing.RepositoryRoot.Path;
        using var definitions = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "deploy", "rabbitmq", "definitions.json")));
        var integrator = definitions.RootElement.GetProperty("permissions").EnumerateArray().Single(p => p.GetProperty("user").GetString() == "integrator");
        var (configure, write, read) = BrokerPermissions.Integrator();
        Assert.Equal((configure, write, read), (integrator.GetProperty("configure").GetString(), integrator.GetProperty("write").GetString(), integrator.GetProperty("read").GetString()));
        var orchestrator = definitions.RootElement.GetProperty("permissions").EnumerateArray().Single(p => p.GetProperty("user").GetString() == "orchestrator");
        Assert.Equal(BrokerPermissions.OrchestratorPermission, orchestrator.GetProperty("write").GetString());

        var docs = File.ReadAllText(Path.Combine(root, "docs", "bus.md"));
        Assert.Contains(BrokerPermissions.SetPermissionsLine("integrator"), docs, StringComparison.Ordinal);
    }

    /// <summary>Publishes with confirms as the integrator: null when the broker took it, else the AMQP reply code that closed the channel.</summary>
    private Task<int?> PublishRefusalAsync(string exchange, string routingKey, string body = "{}") =>
        RefusalAsync(channel => channel.BasicPublishAsync(exchange, routingKey, mandatory: false, new BasicProperties(), Encoding.UTF8.GetBytes(body), Broker.Ct).AsTask());

    private async Task<int?> RefusalAsync(Func<IChannel, Task> act)
    {
        var raw = new ConnectionFactory { Uri = new Uri(Url) };
        await using var connection = await raw.CreateConnectionAsync(Broker.Ct);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Broker.Ct);
        try
        {
            await act(channel);
            return null;
        }
        catch (OperationInterruptedException ex)
        {
            return ex.ShutdownReason?.ReplyCode;
        }
    }

    private async Task<int?> RefusalAsync<T>(Func<IChannel, Task<T>> act) => await RefusalAsync(async c => { await act(c); });
}
