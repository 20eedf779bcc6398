using System.Diagnostics;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Telemetry;

/// <summary>One trace per request: intake, every step, every bus message and the Gateway call, across the outbox and an HTTP decision.</summary>
public sealed class RequestTraceTests
{
    /// <param name="localHandoff">On (the default), intake classifies and the decision's node starts the execution itself; off, both go over the bus.</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_approved_tool_request_is_one_trace_from_intake_through_the_decision_to_completion(bool localHandoff)
    {
        using var spans = new SpanCollector();
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var settings = OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token);
        settings["Engine:LocalHandoff"] = localHandoff ? "true" : "false";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);
        const string text = "Send the weekly status update.";

        var id = await host.SubmitOkAsync(text, tool: new { name = "message_send", action = "send", args = new { channel = "status", body = "All green" } });
        var taskId = await host.OpenTaskIdAsync(id);
        await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        await host.WaitForStatusAsync(id, "executed");
        var ours = await SpansUntilAsync(spans, id, "execute finish");

        var traceId = Assert.Single(ours.Select(s => s.TraceId).Distinct());
        Assert.Superset(new HashSet<string> { "classify", "decide", "execute start", "execute finish" }, ours.Select(s => s.DisplayName).ToHashSet());
        var trace = spans.InTrace(traceId);
        // The intake HTTP request is the root of it, and what went over the bus carried it: MassTransit's publish spans
        // (the outcome events) are in it, and its consume spans when a step was handed on by message.
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer);
        if (!localHandoff)
        {
            Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer);
        }
        // ...and the Gateway call (HttpClient's span) hangs under the execute span.
        var execute = Assert.Single(trace, s => s.DisplayName == "execute");
        Assert.Contains(trace, s => s.Source.Name == "System.Net.Http" && s.ParentSpanId == execute.SpanId);
        // The decision came in on its own HTTP request: the decide span links back to it.
        var decide = Assert.Single(ours, s => s.DisplayName == "decide");
        Assert.NotEmpty(decide.Links);
        Assert.Equal("amber", decide.GetTagItem("approval.risk"));
        Assert.NotNull(decide.GetTagItem("approval.definition.version"));
    }

    [Fact]
    public async Task Span_attributes_never_carry_the_request_text_the_tool_args_or_the_gateway_token()
    {
        using var spans = new SpanCollector();
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        const string text = "Summarize the policy text marker-7c2e91 for internal use.";

        var id = await host.SubmitOkAsync(text);
        await host.WaitForStatusAsync(id, "executed");
        var ours = await SpansUntilAsync(spans, id, "execute finish");

        var everyTag = spans.InTrace(ours[0].TraceId)
            .SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(s.DisplayName))
            .ToList();
        Assert.NotEmpty(everyTag);
        Assert.DoesNotContain(everyTag, t => t.Contains("marker-7c2e91", StringComparison.Ordinal));
        Assert.DoesNotContain(everyTag, t => t.Contains(gateway.Token, StringComparison.Ordinal));
    }

    /// <summary>A step's span ends just after its status is readable: wait for the last one rather than sleep.</summary>
    private static Task<IReadOnlyList<Activity>> SpansUntilAsync(SpanCollector spans, Guid id, string lastSpan) =>
        Poll.GetAsync(() =>
        {
            var ours = spans.ForInstance(id);
            return Task.FromResult(ours.Any(s => s.DisplayName == lastSpan) ? ours : null);
        }, $"the '{lastSpan}' span of {id}", cancellationToken: TestContext.Current.CancellationToken);
}
