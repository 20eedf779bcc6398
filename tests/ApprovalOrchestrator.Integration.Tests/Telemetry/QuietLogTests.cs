using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Integration.Tests.Telemetry;

/// <summary>At the shipped log levels a request adds no lines: hosting, the bus, HttpClient and our steps stay quiet.</summary>
public sealed class QuietLogTests
{
    [Fact]
    public async Task A_request_from_intake_through_approval_and_the_gateway_call_logs_nothing_at_the_shipped_levels()
    {
        var capture = new LogCapture();
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var settings = OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token);
        settings["Logging:LogLevel:Default"] = "Information"; // the shipped default (the test host lowers it)
        await using var host = await OrchestratorHost.StartAsync(settings: settings, configure: b => b.Logging.AddProvider(capture));
        var before = capture.Entries.Count;

        var id = await host.SubmitOkAsync("Send the weekly status update.", tool: new { name = "message_send", action = "send", args = new { channel = "status", body = "All green" } });
        await host.DecideAsync(await host.OpenTaskIdAsync(id), "tina", "team-leads", "approve");
        await host.WaitForStatusAsync(id, "executed");
        await host.Client.GetAsync("/health", TestContext.Current.CancellationToken);

        // The audit checkpoint is periodic, not per request.
        var lines = capture.Entries.Skip(before).Where(e => !e.Category.EndsWith("CheckpointScheduler", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 0, string.Join("\n", lines.Select(l => $"{l.Level} {l.Category}: {l.Message}")));
    }
}
