using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Telemetry;

/// <summary>A real Prometheus scrapes /metrics with the scrape token and the workflow's metrics come back through its query API.</summary>
public sealed class PrometheusScrapeTests
{
    [Fact]
    public async Task Prometheus_scrapes_metrics_with_the_token_and_answers_queries_about_completed_requests_and_pending_approvals()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = Guid.NewGuid().ToString("N");
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: ct);
        var settings = OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token);
        settings["Metrics:ScrapeToken"] = token;
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        // One request runs to completion (green chat), one waits for approval (amber tool call).
        var done = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        await host.WaitForStatusAsync(done, "executed");
        var waiting = await host.SubmitOkAsync("Send the weekly status update.", tool: new { name = "message_send", action = "send", args = new { channel = "status", body = "All green" } });
        await host.OpenTaskIdAsync(waiting);

        await using var prometheus = await PrometheusServer.StartAsync(host.Client.BaseAddress!, "/metrics", token, ct);
        await Poll.TrueAsync(async () => (await prometheus.TargetAsync(ct)).Health == "up", "prometheus to scrape the server", TimeSpan.FromSeconds(30), ct);

        var completed = await Poll.GetAsync(async () =>
        {
            var result = await prometheus.QueryAsync("""sum by (risk, status) (approval_orchestrator_requests_completed_total{status="executed"})""", ct);
            return result.Length > 0 ? result : null;
        }, "the completed-requests counter in Prometheus", TimeSpan.FromSeconds(30), ct);
        Assert.Contains(completed, r => r.GetProperty("metric").GetProperty("risk").GetString() == "green" && double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= 1);

        var pending = await prometheus.QueryAsync("""approval_orchestrator_approvals_pending{risk="amber"}""", ct);
        Assert.Contains(pending, r => r.GetProperty("metric").GetProperty("age").GetString() == "0-15m");
        var gatewayCalls = await prometheus.QueryAsync("approval_orchestrator_gateway_duration_seconds_count", ct);
        Assert.NotEmpty(gatewayCalls);
    }
}
