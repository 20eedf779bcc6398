using System.Collections.Concurrent;
using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Telemetry;

/// <summary>With <c>OpenTelemetry:Endpoint</c> set, traces and metrics leave the process over OTLP/HTTP to that collector.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task With_an_otlp_endpoint_traces_and_metrics_are_posted_to_the_collector_paths()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = ServerProcess.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentQueue<(string Path, string? ContentType, long Length)>();
        _ = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.Length));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }, ct);

        await using var gateway = await FakeGateway.StartAsync(cancellationToken: ct);
        var settings = OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token);
        settings["OpenTelemetry:Endpoint"] = $"http://127.0.0.1:{port}";
        settings["OpenTelemetry:Protocol"] = "http/protobuf";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);
        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        await host.WaitForStatusAsync(id, "executed");

        // The SDK exports in batches (every 5 s for traces, 60 s for metrics by default): the host's shutdown flushes both.
        await host.DisposeAsync();
        await Poll.TrueAsync(() => Task.FromResult(received.Any(r => r.Path == "/v1/traces") && received.Any(r => r.Path == "/v1/metrics")),
            "OTLP posts to /v1/traces and /v1/metrics", TimeSpan.FromSeconds(30), ct);
        Assert.All(received, r => Assert.Equal("application/x-protobuf", r.ContentType));
        Assert.All(received, r => Assert.True(r.Length > 0));
    }
}
