using System.Globalization;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Testing.ScaleOut;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// Green workflows end to end over RabbitMQ (an integrator publishes SubmitAgentRequest, waits for
/// AgentRequestCompleted), with the server logging as it does by default (its bytes per request are counted), group
/// commit on and then off, and the raw MassTransit publish→consume rate of the same broker as the reference: all in one
/// run on the same machine, so the ratios compare like with like.
/// </summary>
internal static class GreenBench
{
    public static async Task RunAsync(BenchOptions options, FakeGateway gateway, string directory)
    {
        Console.WriteLine($"== green: {options.Requests} green requests over RabbitMQ after {options.Warmup} warm-up, {options.Inflight} in flight");
        var on = await MeasureAsync(options, gateway, directory, "group commit on", groupCommit: true);
        var off = await MeasureAsync(options, gateway, directory, "group commit off", groupCommit: false);

        var prefix = RabbitMqUrl.NewPrefix("bench-raw");
        var broker = new RabbitMqBusOptions { Url = options.Url, Prefix = prefix };
        Measurement raw;
        try
        {
            // After the servers stopped, so the measurements do not share the machine. Ten times the messages: the raw
            // path is ~30x faster, and a window of a few tenths of a second swung the reference (and the ratio) by 2x.
            raw = await Benches.RawAsync(broker, prefix + "ping", options.Requests * 10, options.Warmup, options.Inflight, options.Timeout);
        }
        finally
        {
            await BrokerCleanup.DeleteAsync(options.Url, prefix, [prefix + "ping"], [typeof(Ping)]);
        }

        Console.WriteLine(raw);
        Console.WriteLine(F($"ratio      green workflows/s / raw msg/s = {on.PerSecond / raw.PerSecond:0.000} (group commit off: {off.PerSecond / raw.PerSecond:0.000}); group commit on/off = {on.PerSecond / off.PerSecond:0.00}x"));
    }

    private static async Task<Measurement> MeasureAsync(BenchOptions options, FakeGateway gateway, string directory, string label, bool groupCommit)
    {
        var prefix = RabbitMqUrl.NewPrefix("bench-green");
        var broker = new RabbitMqBusOptions { Url = options.Url, Prefix = prefix };
        var folder = Directory.CreateDirectory(Path.Combine(directory, groupCommit ? "green-on" : "green-off")).FullName;
        await using var store = await BenchStore.CreateAsync(options.Store, folder);
        try
        {
            var extra = new Dictionary<string, string?> { ["Storage:GroupCommit:MaxSteps"] = groupCommit ? null : "1" };
            var ((result, statuses), log) = await LogBytes.CaptureAsync(async () =>
            {
                await using var server = await BenchServer.StartAsync(store, options.Url, prefix, gateway.BaseUrl, gateway.Token, folder, defaultLogging: true, extra);
                return await Benches.WorkflowsAsync(broker, options.Requests, options.Warmup, options.Inflight, options.Timeout);
            });
            var measured = result with { Name = label };
            Console.WriteLine(measured);
            Console.WriteLine($"           final statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}");
            var total = options.Requests + options.Warmup;
            Console.WriteLine(F($"           server log at the default level: {log.Bytes} bytes, {log.Lines} lines for {total} requests (start and stop included) = {(double)log.Bytes / total:0.0} bytes/request"));
            return measured;
        }
        finally
        {
            await BrokerCleanup.DeleteAsync(options.Url, prefix, []);
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
