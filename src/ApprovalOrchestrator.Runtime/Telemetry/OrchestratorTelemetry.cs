using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ApprovalOrchestrator.Runtime.Telemetry;

/// <summary>
/// Our ActivitySource and Meter. The SDK (wired in the server) listens to them by <see cref="Name"/>; without a listener
/// every call here is a no-op. Tags carry identifiers, definition version, risk and status only: never request text,
/// tool arguments or tokens.
/// </summary>
public static class OrchestratorTelemetry
{
    public const string Name = "ApprovalOrchestrator";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> RequestsCompleted = Meter.CreateCounter<long>(
        "approval_orchestrator.requests.completed", "{request}", "Requests that reached a final status, by risk and status.");

    public static readonly Histogram<double> ApprovalLatency = Meter.CreateHistogram<double>(
        "approval_orchestrator.approval.latency", "s", "From a task opening to its final decision, by risk and outcome.");

    public static readonly Counter<long> Escalations = Meter.CreateCounter<long>(
        "approval_orchestrator.approval.escalations", "{task}", "Tasks moved to the next tier by their timer.");

    public static readonly Counter<long> Expiries = Meter.CreateCounter<long>(
        "approval_orchestrator.approval.expiries", "{task}", "Tasks that expired undecided.");

    public static readonly Histogram<double> GatewayDuration = Meter.CreateHistogram<double>(
        "approval_orchestrator.gateway.duration", "s", "Gateway calls, by outcome status.");

    public static readonly Counter<long> GatewayErrors = Meter.CreateCounter<long>(
        "approval_orchestrator.gateway.errors", "{call}", "Gateway calls that did not succeed, by outcome status and error type.");

    public static readonly Histogram<double> OutboxLag = Meter.CreateHistogram<double>(
        "approval_orchestrator.outbox.lag", "s", "From an outbox row's commit to its publish.");

    public static readonly Histogram<double> TimerLateness = Meter.CreateHistogram<double>(
        "approval_orchestrator.timer.lateness", "s", "From a timer's scheduled time to its firing.");

    /// <summary>The W3C traceparent of the current span, for storing with a row that continues it later.</summary>
    public static string? CurrentTraceparent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// Starts one of our spans inside the request's trace: under the current span when that already belongs to it (a
    /// consumer of a message that carried the context), else under the stored <paramref name="traceparent"/>, linking
    /// the current span (an HTTP decision, a Quartz firing) so neither trace loses the other.
    /// </summary>
    public static Activity? StartSpan(string name, string? traceparent, ActivityKind kind = ActivityKind.Internal)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        if (traceparent is null || !ActivityContext.TryParse(traceparent, null, out var stored) || (current is not null && current.TraceId == stored.TraceId))
        {
            return Source.StartActivity(name, kind);
        }

        ActivityLink[]? links = current is null ? null : [new ActivityLink(current.Context)];
        return Source.StartActivity(name, kind, stored, links: links);
    }
}
