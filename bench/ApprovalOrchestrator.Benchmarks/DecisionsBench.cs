using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// Decision → Gateway call started: N amber requests are made to wait for a team lead, then approved over HTTP at a
/// fixed rate (open loop: decision i is sent at i / rate seconds whatever the earlier ones did), and each latency runs
/// from the moment its decision is sent to the moment the fake Gateway receives its chat call. Over RabbitMQ, as the
/// green scenario, on the chosen store.
/// </summary>
internal static class DecisionsBench
{
    private const string Approver = "bench-lead";

    public static async Task RunAsync(BenchOptions options, FakeGateway gateway, string directory)
    {
        Console.WriteLine($"== decisions: {options.Decisions} amber requests approved at {options.DecisionRate}/s over HTTP, decision sent → Gateway call received");
        var prefix = Testing.ScaleOut.RabbitMqUrl.NewPrefix("bench-dec");
        var folder = Directory.CreateDirectory(Path.Combine(directory, "decisions")).FullName;
        await using var store = await BenchStore.CreateAsync(options.Store, folder);
        try
        {
            await using var server = await BenchServer.StartAsync(store, options.Url, prefix, gateway.BaseUrl, gateway.Token, folder);
            using var submitter = server.Client("bench-user", [], ["submitter", "auditor"]);
            using var approver = server.Client(Approver, ["team-leads"], ["approver"]);
            using var reader = server.Client("bench-admin", [], ["admin", "auditor"]);
            var run = Guid.NewGuid().ToString("N")[..8];
            var seeding = Stopwatch.StartNew();
            var tasks = await SeedAsync(submitter, reader, run, options.Decisions, options.Timeout);
            Console.WriteLine(F($"           {tasks.Length} requests waiting for approval after {seeding.Elapsed.TotalSeconds:0.0} s"));

            gateway.Reset();
            var sent = new DateTimeOffset[tasks.Length];
            var answered = new double[tasks.Length];
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            var posts = new List<Task>(tasks.Length);
            for (var i = 0; i < tasks.Length; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / options.DecisionRate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                var index = i;
                posts.Add(Task.Run(async () =>
                {
                    var started = Stopwatch.GetTimestamp();
                    sent[index] = DateTimeOffset.UtcNow;
                    using var response = await approver.PostAsJsonAsync($"/api/tasks/{tasks[index].TaskId}/decision", new { decision = "approve", actionHash = tasks[index].ActionHash });
                    answered[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"Decision {index} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }));
            }

            await Task.WhenAll(posts);
            var offered = tasks.Length / clock.Elapsed.TotalSeconds;
            await gateway.WaitForRequestsAsync(FakeGateway.ChatPath, tasks.Length, options.Timeout);
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            allocated = GC.GetTotalAllocatedBytes() - allocated;
            var received = gateway.RequestsTo(FakeGateway.ChatPath)
                .Select(r => (Index: IndexIn(r.RawBody, run), r.ReceivedAt))
                .Where(r => r.Index >= 0)
                .GroupBy(r => r.Index)
                .ToDictionary(g => g.Key, g => g.Min(r => r.ReceivedAt));
            var latencies = Enumerable.Range(0, tasks.Length)
                .Select(i => received.TryGetValue(i, out var at) ? (at - sent[i]).TotalMilliseconds : double.NaN)
                .ToArray();
            if (latencies.Any(double.IsNaN))
            {
                throw new InvalidOperationException($"{latencies.Count(double.IsNaN)} approved requests never reached the Gateway.");
            }

            var toCall = new Measurement("decision→call", tasks.Length, clock.Elapsed, latencies.Order().ToArray()) { Cpu = cpu, Allocated = allocated };
            var http = new Measurement("decision HTTP", tasks.Length, clock.Elapsed, answered.Order().ToArray());
            Console.WriteLine(F($"           offered {offered:0.0} decisions/s"));
            Console.WriteLine(toCall);
            Console.WriteLine(http);
        }
        finally
        {
            await Testing.ScaleOut.BrokerCleanup.DeleteAsync(options.Url, prefix, []);
        }
    }

    private static async Task<(Guid TaskId, string ActionHash)[]> SeedAsync(HttpClient submitter, HttpClient reader, string run, int count, TimeSpan timeout)
    {
        using var gate = new SemaphoreSlim(16);
        var deadline = DateTime.UtcNow + timeout;
        var seeded = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var submitted = await submitter.PostAsJsonAsync("/api/requests", new
                {
                    requestId = $"bench-{run}-{i}",
                    requester = "bench-user",
                    text = $"Draft an email to finance asking for confirmation of the Q1 cloud budget, ref {run}-{i}-end.",
                });
                submitted.EnsureSuccessStatusCode();
                var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                while (true)
                {
                    var request = await reader.GetFromJsonAsync<JsonElement>($"/api/requests/{id}");
                    if (request.GetProperty("tasks").EnumerateArray().FirstOrDefault(t => t.GetProperty("status").GetString() == "open") is { ValueKind: JsonValueKind.Object } task)
                    {
                        var taskId = task.GetProperty("id").GetGuid();
                        var detail = await reader.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}");
                        return (taskId, detail.GetProperty("actionHash").GetString()!);
                    }

                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"Request {id} did not wait for approval in time: {request}");
                    }

                    await Task.Delay(20);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        return seeded;
    }

    private static int IndexIn(string body, string run)
    {
        var at = body.IndexOf($"ref {run}-", StringComparison.Ordinal);
        if (at < 0)
        {
            return -1;
        }

        var start = at + run.Length + 5;
        var end = body.IndexOf("-end", start, StringComparison.Ordinal);
        return end > start && int.TryParse(body.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
