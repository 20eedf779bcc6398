using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Messaging;
using RabbitMQ.Client;

namespace ApprovalOrchestrator.Testing.ScaleOut;

/// <summary>Deletes a run's queues and exchanges (all under its prefix), so the shared broker does not fill with litter.</summary>
public static class BrokerCleanup
{
    /// <param name="extraQueues">The run's own queues besides the server's (unprefixed names).</param>
    /// <param name="extraMessageTypes">Message types the run published besides the server's, whose exchanges go too.</param>
    public static async Task DeleteAsync(string brokerUrl, string prefix, IEnumerable<string> extraQueues, IEnumerable<Type>? extraMessageTypes = null)
    {
        var queues = QueueNames.All.Concat(extraQueues)
            .SelectMany(q => new[] { q, q + QueueNames.ErrorSuffix, q + QueueNames.SkippedSuffix })
            .Select(q => prefix + q)
            .ToList();
        var messageTypes = new[]
        {
            typeof(SubmitAgentRequest), typeof(SubmitApprovalDecision), typeof(AgentRequestAccepted), typeof(AgentRequestRejected),
            typeof(AgentRequestCompleted), typeof(ApprovalRequested), typeof(ClassifyRequest), typeof(ExecuteRequest), typeof(TimerFired),
        }.Concat(extraMessageTypes ?? []).ToList();
        var exchanges = queues
            .Concat(messageTypes.Select(t => prefix + $"{t.Namespace}:{t.Name}"))
            .Concat(messageTypes.Select(t => prefix + $"MassTransit:Fault--{t.Namespace}:{t.Name}--"))
            .Concat([prefix + "MassTransit:Fault", prefix + "MassTransit:ReceiveFault"]);

        await using var connection = await new ConnectionFactory { Uri = new Uri(brokerUrl) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        // Deleting what does not exist is not an error in RabbitMQ, so one channel serves throughout.
        foreach (var queue in queues)
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        }

        foreach (var exchange in exchanges)
        {
            await channel.ExchangeDeleteAsync(exchange, ifUnused: false);
        }
    }
}
