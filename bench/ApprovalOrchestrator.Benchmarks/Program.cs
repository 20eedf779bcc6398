using System.Runtime.InteropServices;
using ApprovalOrchestrator.Benchmarks;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Testing.ScaleOut;

// dotnet run -c Release --project bench/ApprovalOrchestrator.Benchmarks -- audit-log [--events 20000] [--large 1000000]: the signed log's cost per event
if (args.FirstOrDefault() == "audit-log")
{
    return await AuditLogBench.RunAsync(args);
}

// dotnet run -c Release --project bench/ApprovalOrchestrator.Benchmarks -- nodes [--nodes 1,2,3] [--requests 1000]: scale-out on PostgreSQL (AO_POSTGRES_URL) + RabbitMQ
if (args is ["nodes", .. var nodeArgs])
{
    return await NodesBench.RunAsync(nodeArgs);
}

// dotnet run -c Release --project bench/ApprovalOrchestrator.Benchmarks -- timers [--timers 10000] [--window 60] [--store sqlite|postgres]: timer lateness
if (args is ["timers", .. var timerArgs])
{
    return await TimersBench.RunAsync(timerArgs);
}

// dotnet run -c Release --project bench/ApprovalOrchestrator.Benchmarks -- [--requests 2000] [--inflight 100] [--warmup 50] [--url amqp://...] [--timeout 600] [--keep]
//                                                                          detectors [--iterations 2000]   (scanning latency, no broker)
if (args is ["detectors", .. var detectorArgs])
{
    return DetectorBench.Run(detectorArgs);
}

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: [--requests 2000] [--inflight 100] [--warmup 50] [--url amqp://guest:guest@127.0.0.1:5672/] [--timeout <seconds>] [--keep]");
    return 1;
}

var prefix = $"bench{Guid.NewGuid():N}"[..13] + "-";
var broker = new RabbitMqBusOptions { Url = options.Url, Prefix = prefix };
var directory = Directory.CreateTempSubdirectory("ao-bench-").FullName;
const string RawQueue = "bench-raw";

await using var gateway = await FakeGateway.StartAsync();
Console.WriteLine($"machine   {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"broker    {Redact(options.Url)} (prefix {prefix})");
Console.WriteLine($"gateway   fake, {gateway.BaseUrl}");
Console.WriteLine($"requests  {options.Requests} measured after {options.Warmup} warm-up, {options.Inflight} in flight");

Measurement workflows;
Measurement raw;
IReadOnlyDictionary<string, int> statuses;
try
{
    await using (var server = await BenchServer.StartAsync(options.Url, prefix, gateway.BaseUrl, gateway.Token, directory))
    {
        Console.WriteLine($"sqlite    {server.DatabasePath}");
        (workflows, statuses) = await Benches.WorkflowsAsync(broker, options.Requests, options.Warmup, options.Inflight, options.Timeout);
    }

    // After the server stopped, so the two measurements do not share the machine.
    raw = await Benches.RawAsync(broker, prefix + RawQueue, options.Requests, options.Warmup, options.Inflight, options.Timeout);
}
finally
{
    await BrokerCleanup.DeleteAsync(options.Url, prefix, [RawQueue], [typeof(Ping)]);
    if (!options.Keep)
    {
        TryDelete(directory);
    }
}

Console.WriteLine();
Console.WriteLine(workflows);
Console.WriteLine($"           final statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}");
Console.WriteLine(raw);
Console.WriteLine($"ratio      workflows/s / raw msg/s = {workflows.PerSecond / raw.PerSecond:0.000}");
return 0;

static string Redact(string url) =>
    Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
        ? url.Replace(uri.UserInfo + "@", uri.UserInfo.Split(':')[0] + "@", StringComparison.Ordinal)
        : url;

static void TryDelete(string directory)
{
    try
    {
        Directory.Delete(directory, recursive: true);
    }
    catch (IOException)
    {
        // A SQLite handle may linger a moment; the temp folder is only litter.
    }
}

/// <param name="Keep">Keep the SQLite file (its outbox and audit tables show where the time went).</param>
internal sealed record Options(int Requests, int Inflight, int Warmup, string Url, TimeSpan Timeout, bool Keep = false)
{
    public static Options? Parse(string[] args)
    {
        Options? o = new Options(2000, 100, 50, Environment.GetEnvironmentVariable("RABBITMQ_URL") is { Length: > 0 } env ? env : "amqp://guest:guest@127.0.0.1:5672/", TimeSpan.FromMinutes(10));
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--keep")
            {
                o = o with { Keep = true };
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : null;
            o = (args[i], value) switch
            {
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

            i++;
        }

        return o;
    }
}
