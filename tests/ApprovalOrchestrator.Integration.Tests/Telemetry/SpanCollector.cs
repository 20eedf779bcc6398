using System.Collections.Concurrent;
using System.Diagnostics;

namespace ApprovalOrchestrator.Integration.Tests.Telemetry;

/// <summary>
/// Listens in-process to the ActivitySources a request's trace is made of, as any OpenTelemetry SDK would, and keeps
/// the finished spans. Other tests' spans land here too (one process), so assertions pick theirs by trace id.
/// </summary>
public sealed class SpanCollector : IDisposable
{
    public static readonly string[] Sources = ["ApprovalOrchestrator", "MassTransit", "Microsoft.AspNetCore", "System.Net.Http"];

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _spans = new();

    public SpanCollector()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => Sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Spans => _spans.ToArray();

    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => Spans.Where(s => s.TraceId == traceId).ToArray();

    /// <summary>Our spans for one instance.</summary>
    public IReadOnlyList<Activity> ForInstance(Guid instanceId) =>
        Spans.Where(s => s.Source.Name == "ApprovalOrchestrator" && (s.GetTagItem("approval.instance.id") as string) == instanceId.ToString()).ToArray();

    public void Dispose() => _listener.Dispose();
}
