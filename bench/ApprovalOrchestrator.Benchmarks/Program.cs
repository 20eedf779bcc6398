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

// dotnet run -c Release --project bench/ApprovalOrchestrator.Benchmarks -- pending [--pending 1000000] [--store sqlite|postgres]: inbox and request-list pages, RSS, restart, bytes per pending request
if (args is ["pending", .. var pendingArgs])
{
    return await PendingBench.RunAsync(pendingArgs);
}

// dotnet run -c Release --project bench/ApprovalOrchestrator.Benchmarks -- detectors [--iterations 2000]   (scanning latency, no broker)
if (args is ["detectors", .. var detectorArgs])
{
    return DetectorBench.Run(detectorArgs);
}

// dotnet run -c Release --project bench/ApprovalOrchestrator.Benchmarks -- [--scenario all|green|decisions|timers|pending] [--store sqlite|postgres] ...
// (BenchOptions.Usage): the issue-11 figures, each scenario on a fresh store, with its reference measured in the same run.
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 1;
}

if (options.Store == BenchStore.Postgres)
{
    _ = ScratchPostgres.ServerConnectionString; // fail before starting anything when no server is configured
}

var directory = Directory.CreateTempSubdirectory("ao-bench-").FullName;
await using var gateway = await FakeGateway.StartAsync();
Console.WriteLine($"machine   {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, load {LoadAverage()}");
Console.WriteLine($"store     {options.Store} (a fresh one per scenario), folder {directory}");
Console.WriteLine($"broker    {Redact(options.Url)}");
Console.WriteLine($"gateway   fake, {gateway.BaseUrl}");
try
{
    foreach (var scenario in options.Scenarios)
    {
        Console.WriteLine();
        switch (scenario)
        {
            case "green":
                await GreenBench.RunAsync(options, gateway, directory);
                break;
            case "decisions":
                await DecisionsBench.RunAsync(options, gateway, directory);
                break;
            case "timers":
                Console.WriteLine($"== timers: {options.Timers} timers due within one minute");
                Check(await TimersBench.RunAsync(["--timers", $"{options.Timers}", "--store", options.Store]), scenario);
                break;
            case "pending":
                Console.WriteLine($"== pending: {options.Pending} requests awaiting approval, seeded through the store");
                Check(await PendingBench.RunAsync(["--pending", $"{options.Pending}", "--store", options.Store]), scenario);
                break;
        }
    }
}
finally
{
    if (!options.Keep)
    {
        TryDelete(directory);
    }
}

Console.WriteLine();
Console.WriteLine($"load      {LoadAverage()} (1, 5, 15 min) at the end");
return 0;

static void Check(int exitCode, string scenario)
{
    if (exitCode != 0)
    {
        throw new InvalidOperationException($"The {scenario} scenario failed (exit code {exitCode}).");
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

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
