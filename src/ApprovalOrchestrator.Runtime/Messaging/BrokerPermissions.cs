using System.Text.RegularExpressions;
using ApprovalOrchestrator.Contracts.V1;

namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>
/// RabbitMQ permissions (configure, write, read regexes per virtual host) that keep integrators away from the
/// orchestrator's internal messages. The orchestrator's own user has <c>.*</c> on its virtual host. An integrator may
/// publish only the public commands, hear the public events, and use its own queues (named <c>&lt;queuePrefix&gt;…</c>);
/// it cannot publish <see cref="ClassifyRequest"/>, <see cref="ExecuteRequest"/> or <see cref="TimerFired"/>, send to
/// the orchestrator's queues (their exchanges or the default exchange), read them, or read other publishers'
/// decisions or faults (which carry bearer tokens). docs/bus.md and deploy/rabbitmq/ hold the same lines; a test checks them.
/// </summary>
public static class BrokerPermissions
{
    /// <summary>What an integrator may publish.</summary>
    public static IReadOnlyList<Type> Commands { get; } = [typeof(SubmitAgentRequest), typeof(SubmitApprovalDecision)];

    /// <summary>What an integrator may subscribe to.</summary>
    public static IReadOnlyList<Type> Events { get; } = [typeof(AgentRequestAccepted), typeof(AgentRequestRejected), typeof(AgentRequestCompleted), typeof(ApprovalRequested)];

    /// <summary>Internal messages, published by the orchestrator only.</summary>
    public static IReadOnlyList<Type> Internal { get; } = [typeof(ClassifyRequest), typeof(ExecuteRequest), typeof(TimerFired)];

    public const string OrchestratorPermission = ".*";

    /// <summary>MassTransit's exchange for a message type (<c>Namespace:Name</c>), under the deployment's name prefix.</summary>
    public static string ExchangeFor(Type messageType, string prefix = "") => $"{prefix}{messageType.Namespace}:{messageType.Name}";

    /// <summary>
    /// The integrator's regexes. Configure: its own queues and exchanges, the public message exchanges it declares when
    /// publishing or subscribing, and MassTransit's fault exchanges for its own consumers. Write: its own entities, the
    /// command exchanges and fault exchanges. Read: its own queues, and the event exchanges it binds from.
    /// </summary>
    public static (string Configure, string Write, string Read) Integrator(string queuePrefix = "integrator", string prefix = "")
    {
        var own = Regex.Escape(queuePrefix) + ".*";
        var faults = Regex.Escape(prefix + "MassTransit:Fault") + ".*";
        var commands = Alternatives(Commands, prefix);
        var events = Alternatives(Events, prefix);
        return (
            $"^({own}|{commands}|{events}|{faults})$",
            $"^({own}|{commands}|{faults})$",
            $"^({own}|{events})$");
    }

    /// <summary>The <c>rabbitmqctl set_permissions</c> arguments for an integrator user on a virtual host.</summary>
    public static string SetPermissionsLine(string user, string vhost = "/", string queuePrefix = "integrator", string prefix = "")
    {
        var (configure, write, read) = Integrator(queuePrefix, prefix);
        return $"rabbitmqctl set_permissions -p {vhost} {user} '{configure}' '{write}' '{read}'";
    }

    private static string Alternatives(IEnumerable<Type> types, string prefix) =>
        "(" + string.Join("|", types.Select(t => Regex.Escape(ExchangeFor(t, prefix)))) + ")";
}
