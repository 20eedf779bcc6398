using System.Data;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>
/// The transactional outbox: a message is written in the same transaction as the step that causes it, and published by
/// <see cref="OutboxDispatcher"/> only after that commit. Its row id becomes the bus MessageId, which consumers dedup on.
/// </summary>
public static class Outbox
{
    private static readonly Dictionary<string, Type> s_types = new[]
    {
        typeof(ClassifyRequest), typeof(ExecuteRequest), typeof(TimerFired),
        typeof(ApprovalRequested), typeof(AgentRequestCompleted), typeof(AgentRequestAccepted),
    }.ToDictionary(t => t.FullName!, StringComparer.Ordinal);

    public static void Register(Type messageType) => s_types[messageType.FullName!] = messageType;

    public static Type? Resolve(string messageType) => s_types.GetValueOrDefault(messageType);

    /// <summary>Adds a message; with an explicit <paramref name="id"/> the same message is only ever added once.</summary>
    public static Task AddAsync(IDbConnection connection, IDbTransaction tx, object message, DateTimeOffset now, Guid? id = null) =>
        connection.ExecuteAsync(
            "INSERT INTO outbox (id, message_type, body, created_at, traceparent) VALUES (@Id, @Type, @Body, @Now, @Traceparent) ON CONFLICT (id) DO NOTHING",
            new
            {
                Id = (id ?? Guid.NewGuid()).ToString(),
                Type = message.GetType().FullName,
                Body = Json.Serialize<object>(message),
                Now = Timestamps.ToText(now),
                // The span this row was written in: the dispatcher publishes it inside the same trace.
                Traceparent = Telemetry.OrchestratorTelemetry.CurrentTraceparent(),
            },
            tx);
}
