using System.Globalization;
using System.Runtime.InteropServices;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Testing.ScaleOut;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// Scale-out throughput: for each node count, N real server processes on one fresh PostgreSQL database and one RabbitMQ
/// prefix (competing consumers on every queue, Quartz clustered), green requests published over the bus as an
/// integrator would, requests/s until each one's AgentRequestCompleted. Every count runs in the same invocation on the
/// same machine, so the ratios to one node are comparable; nothing else of the orchestrator runs meanwhile.
/// </summary>
internal static class NodesBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = NodesOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: nodes [--nodes 1,2,3] [--requests 1000] [--inflight 100] [--warmup 100] [--url amqp://...] [--timeout <seconds>]   (needs AO_POSTGRES_URL)");
            return 1;
        }

        _ = ScratchPostgres.ServerConnectionString; // fail before starting anything when no server is configured
        await using var gateway = await FakeGateway.StartAsync();
        Console.WriteLine($"machine   {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"store     PostgreSQL ({Redact(ScratchPostgres.ServerConnectionString)}), a fresh database per node count");
        Console.WriteLine($"broker    {options.Url}");
        Console.WriteLine($"gateway   fake, {gateway.BaseUrl}");
        Console.WriteLine($"requests  {options.Requests} green per node count, measured after {options.Warmup} warm-up, {options.Inflight} in flight");

        var results = new List<(int Nodes, Measurement Result, IReadOnlyDictionary<string, int> Statuses)>();
        foreach (var count in options.Nodes)
        {
            var (result, statuses) = await RunOnceAsync(count, options, gateway);
            Console.WriteLine($"  {count} node(s): {result.PerSecond:0.0}/s");
            results.Add((count, result, statuses));
        }

        var baseline = results.FirstOrDefault(r => r.Nodes == 1).Result?.PerSecond;
        Console.WriteLine();
        Console.WriteLine("nodes  requests/s  vs 1 node   latency ms p50     p95     p99   final statuses");
        foreach (var (nodes, result, statuses) in results)
        {
            var ratio = baseline is { } b ? (result.PerSecond / b).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";
            Console.WriteLine(
                $"{nodes,5}  {result.PerSecond,10:0.0}  {ratio,8}   {result.Percentile(50),13:0}  {result.Percentile(95),6:0}  {result.Percentile(99),6:0}   " +
                string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}")));
        }

        return 0;
    }

    private static async Task<(Measurement, IReadOnlyDictionary<string, int>)> RunOnceAsync(int count, NodesOptions options, FakeGateway gateway)
    {
        await using var cluster = (await Cluster.CreateAsync($"benchn{count}", options.Url, Console.Error.WriteLine))
            .With(gateway)
            .With(BenchServer.QuietLogging);
        await cluster.StartAsync(count);
        var measured = await Benches.WorkflowsAsync(
            new RabbitMqBusOptions { Url = options.Url, Prefix = cluster.Prefix! }, options.Requests, options.Warmup, options.Inflight, options.Timeout);
        cluster.Passed();
        return measured;
    }

    private static string Redact(string connectionString) =>
        System.Text.RegularExpressions.Regex.Replace(connectionString, "(?i)(password=)[^;]*", "$1***");
}

internal sealed record NodesOptions(int[] Nodes, int Requests, int Inflight, int Warmup, string Url, TimeSpan Timeout)
{
    public static NodesOptions? Parse(string[] args)
    {
        NodesOptions? o = new([1, 2, 3], 1000, 100, 100, Environment.GetEnvironmentVariable(RabbitMqUrl.Variable) is { Length: > 0 } env ? env : "amqp://guest:guest@127.0.0.1:5672/", TimeSpan.FromMinutes(10));
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            o = (args[i], value) switch
            {
                ("--nodes", { } v) when ParseCounts(v) is { } counts => o with { Nodes = counts },
                ("--requests", { } v) when int.TryParse(v, out var n) && n > 0 => o with { Requests = n },
                ("--inflight", { } v) when int.TryParse(v, out var n) && n > 0 => o with { Inflight = n },
                ("--warmup", { } v) when int.TryParse(v, out var n) && n > 0 => o with { Warmup = n },
                ("--url", { } v) => o with { Url = v },
                ("--timeout", { } v) when int.TryParse(v, out var n) && n > 0 => o with { Timeout = TimeSpan.FromSeconds(n) },
                _ => null,
            };
            if (o is null)
            {
                return null;
            }
        }

        return o;
    }

    private static int[]? ParseCounts(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var counts = parts.Select(p => int.TryParse(p, out var n) && n is > 0 and <= 16 ? n : 0).ToArray();
        return counts.Length > 0 && counts.All(n => n > 0) ? counts : null;
    }
}
