using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Runtime.Audit;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Testing.ScaleOut;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// A million pending approvals (issue 11 item 3): seeds N amber requests awaiting approval directly through the store
/// (<see cref="PendingSeeder"/>), then runs the real server as its own process on that database and measures the inbox
/// and request-list page latency (first pages, pages followed by the cursor, and pages half way down), the server's
/// resident memory, restart → ready, and the database bytes per pending request. The scratch database goes at the end.
/// </summary>
internal static class PendingBench
{
    private const string Workflow = "agent-action-approval";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = PendingOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: pending [--pending 1000000] [--store sqlite|postgres] [--pages 100] [--batch 5000] [--keep] [--seeded <sqlite file of an earlier run> --pending <its count>]   (postgres: AO_POSTGRES_URL)");
            return 1;
        }

        var directory = Directory.CreateTempSubdirectory("ao-bench-pending-").FullName;
        await using var postgres = options.Store == "postgres" ? await ScratchPostgres.CreateAsync("ao_bench_pending_") : null;
        try
        {
            return await RunAsync(options, directory, postgres);
        }
        finally
        {
            if (!options.Keep)
            {
                TryDelete(directory);
            }
        }
    }

    private static async Task<int> RunAsync(PendingOptions options, string directory, ScratchPostgres? postgres)
    {
        var keyFile = Path.Combine(directory, LocalSigningKey.FileName);
        LocalSigningKey.LoadOrCreate(keyFile);
        var auditKeyFile = Path.Combine(directory, AuditLogKey.FileName);
        AuditLogKey.LoadOrCreate(auditKeyFile, new AuditLogOptions().Origin);
        var databaseFile = Path.Combine(directory, "approvals.db");
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = options.Store,
            ["ConnectionStrings:Approvals"] = postgres?.ConnectionString ?? $"Data Source={databaseFile}",
            ["Auth:LocalKeyFile"] = keyFile,
            ["AuditLog:KeyFile"] = auditKeyFile,
            // Nothing is executed here; the Gateway only has to be configured.
            ["Gateway:BaseUrl"] = "http://127.0.0.1:9",
            ["Gateway:Token"] = "bench-unused",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
        };
        var store = new StoreSize(options.Store, databaseFile, postgres);

        Console.WriteLine($"machine   {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; load {Load()}");
        Console.WriteLine($"store     {options.Store}{(postgres is null ? $" ({databaseFile})" : $" (database {postgres.Name})")}");
        Console.WriteLine($"pending   {options.Pending:N0} amber requests (\"{PendingSeeder.Text}\") from {PendingSeeder.Requesters} requesters, batches of {options.Batch}");

        long emptyBytes;
        var seeding = Stopwatch.StartNew();
        if (options.Seeded is { } seededFile)
        {
            // A database an earlier run seeded (and an older release may have made): this run migrates it as an upgrade would.
            File.Copy(seededFile, databaseFile);
            Console.WriteLine($"seeded    from {seededFile} (copied; the server migrates it on start)");
            emptyBytes = 0;
        }
        else
        {
            await using (var app = ServerApp.Build(settings.Select(s => $"--{s.Key}={s.Value}").ToArray()))
            {
                await ServerApp.InitializeAsync(app.Services, AppContext.BaseDirectory);
                emptyBytes = await store.BytesAsync();
                var lastReport = TimeSpan.Zero;
                var split = await PendingSeeder.SeedAsync(app.Services, options.Pending, options.Batch, (done, elapsed) =>
                {
                    if (elapsed - lastReport > TimeSpan.FromSeconds(30) || done == options.Pending)
                    {
                        lastReport = elapsed;
                        Console.WriteLine($"  seeded {done,9:N0} in {elapsed.TotalSeconds,6:0} s ({done / elapsed.TotalSeconds:0}/s)");
                    }
                });
                Console.WriteLine($"  where    {split}");
                Console.WriteLine($"  state    {split.StateCost()}");
            }
        }

        var seeded = seeding.Elapsed;
        await store.SettleAsync();
        var bytes = await store.BytesAsync();
        Console.WriteLine($"seeding   {seeded.TotalSeconds:0} s");
        Console.WriteLine();
        Console.WriteLine($"database  {bytes / 1e6:0.0} MB, {(bytes - emptyBytes) / (double)options.Pending:0} bytes per pending request (empty database {emptyBytes / 1e6:0.0} MB)");
        // Every table and index that holds at least 10 B a request, so the breakdown adds up to the total.
        foreach (var (name, size) in (await store.ByObjectAsync()).Where(o => o.Bytes >= 10L * options.Pending))
        {
            Console.WriteLine($"          {name,-36} {size / (double)options.Pending,7:0} B/request");
        }

        var tokens = LocalTokenIssuer.FromKeyFile(keyFile);
        var port = ServerProcess.FreePort();
        var logPath = Path.Combine(directory, "server.log");
        var ready = Stopwatch.StartNew();
        var server = await ServerProcess.StartAsync(port, settings, logPath);
        var firstStart = ready.Elapsed;
        // Once the server's start migrated the database: the plans the store picks on the seeded rows (the query-plan tests prove them on an empty database).
        var cursor = PageRequest.First(50) with { After = PageCursor.After(DateTimeOffset.UtcNow, Guid.NewGuid()) };
        var inbox = new InboxSql(store.Dialect, new InboxQuery("lead-1", ["team-leads"], [], "open", null, null, []), cursor);
        Console.WriteLine($"plan      inbox branch: {await store.PlanAsync(inbox.Branches[0], inbox.Parameters)}");
        Console.WriteLine($"plan      request list: {await store.PlanAsync(RequestListSql.Page(new RequestFilter(), cursor), new RequestFilter().ToParameters(cursor))}");

        try
        {
            Console.WriteLine($"database  {await store.BytesAsync() / (double)options.Pending:0} bytes per pending request once the server started (migrations, Quartz's rows for the timers)");
            var results = new List<(string Name, double[] Millis)>();
            foreach (var approver in new[] { "lead-1", "lead-2", "lead-3" })
            {
                using var http = Client(server.BaseAddress, tokens.Issue(approver, ["team-leads"], ["approver"]));
                results.AddRange(await PagesAsync(http, $"inbox ({approver})", "/api/tasks", options, store));
            }

            using (var other = Client(server.BaseAddress, tokens.Issue("manager-1", ["managers"], ["approver"])))
            {
                results.AddRange(await PagesAsync(other, "inbox (managers: none open)", "/api/tasks", options with { Pages = 10 }, store));
            }

            using (var auditor = Client(server.BaseAddress, tokens.Issue("auditor-1", [], ["auditor"])))
            {
                results.AddRange(await PagesAsync(auditor, "request list", "/api/requests", options, store));
                results.AddRange(await PagesAsync(auditor, "request list (status)", "/api/requests?status=awaiting-approval", options, store));
            }

            using (var submitter = Client(server.BaseAddress, tokens.Issue("requester0007", [], ["submitter"])))
            {
                results.AddRange(await PagesAsync(submitter, "request list (own)", "/api/requests", options with { Pages = 10 }, store));
            }

            var rss = Memory(server.ProcessId);
            await server.KillAsync();
            await server.DisposeAsync();
            ready.Restart();
            server = await ServerProcess.StartAsync(port, settings, logPath);
            var restart = ready.Elapsed;
            // Let the start-up sweeps (recovery, timer reconciliation) run before reading memory again.
            await Task.Delay(TimeSpan.FromSeconds(20));
            var rssAfterRestart = Memory(server.ProcessId);

            Console.WriteLine();
            Console.WriteLine("page                                         pages   p50 ms   p99 ms   max ms");
            foreach (var (name, millis) in results.Where(r => r.Millis.Length > 0))
            {
                Array.Sort(millis);
                Console.WriteLine($"{name,-44} {millis.Length,6} {P(millis, 50),8:0.0} {P(millis, 99),8:0.0} {millis[^1],8:0.0}");
            }

            var all = results.Where(r => r.Name.StartsWith("inbox (lead", StringComparison.Ordinal)).SelectMany(r => r.Millis).Order().ToArray();
            Console.WriteLine($"{"inbox, every approver page",-44} {all.Length,6} {P(all, 50),8:0.0} {P(all, 99),8:0.0} {all[^1],8:0.0}");
            Console.WriteLine();
            Console.WriteLine($"memory    server RSS {rss.Rss / 1e6:0} MB (peak {rss.Peak / 1e6:0} MB) after the pages; {rssAfterRestart.Rss / 1e6:0} MB 20 s after a restart (peak {rssAfterRestart.Peak / 1e6:0} MB)");
            Console.WriteLine($"restart   kill -9 → ready {restart.TotalSeconds:0.0} s (first start on the seeded database {firstStart.TotalSeconds:0.0} s; both include starting dotnet)");
            Console.WriteLine($"machine   load after the run {Load()}");
            return 0;
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>
    /// Per list: the first page 30 times; <see cref="PendingOptions.Pages"/> pages walked by the API's <c>next</c> cursor
    /// (or <c>offset</c> on a server without one); and as many pages again starting half way down the list.
    /// </summary>
    private static async Task<List<(string, double[])>> PagesAsync(HttpClient http, string name, string path, PendingOptions options, StoreSize store)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var first = new List<double>();
        JsonElement page = default;
        for (var i = 0; i < 30; i++)
        {
            (page, var ms) = await GetAsync(http, path);
            first.Add(ms);
        }

        var walked = await WalkAsync(http, path, separator, page, 0, options.Pages);
        var deep = new List<double>();
        // Totals are counted up to a cap on the keyset server: past it, the list is as long as what was seeded.
        var total = page.TryGetProperty("totalExact", out var exact) && !exact.GetBoolean() ? options.Pending : page.GetProperty("total").GetInt32();
        if (total > 2 * options.Pages * 50)
        {
            var offset = Math.Min(total, options.Pending) / 2;
            var start = page.TryGetProperty("next", out _)
                ? await DeepStartAsync(store, path, separator, offset)
                : $"{path}{separator}offset={offset}";
            var (deepPage, ms) = await GetAsync(http, start);
            deep.Add(ms);
            deep.AddRange(await WalkAsync(http, path, separator, deepPage, offset, options.Pages - 1));
        }

        var results = new List<(string, double[])> { ($"{name}: first page", first.ToArray()), ($"{name}: next {options.Pages} pages", walked.ToArray()) };
        if (deep.Count > 0)
        {
            results.Add(($"{name}: {deep.Count} pages from half way", deep.ToArray()));
        }

        return results;
    }

    private static async Task<List<double>> WalkAsync(HttpClient http, string path, char separator, JsonElement page, int offset, int pages)
    {
        var millis = new List<double>();
        for (var i = 0; i < pages; i++)
        {
            offset += page.GetProperty("items").GetArrayLength();
            string? url = page.TryGetProperty("next", out var next)
                ? next.ValueKind == JsonValueKind.String ? $"{path}{separator}cursor={Uri.EscapeDataString(next.GetString()!)}" : null
                : $"{path}{separator}offset={offset}";
            if (url is null || page.GetProperty("items").GetArrayLength() == 0)
            {
                break;
            }

            (page, var ms) = await GetAsync(http, url);
            millis.Add(ms);
        }

        return millis;
    }

    /// <summary>
    /// A cursor half way down, made from the row there (read from the store, untimed), exactly as the server would have
    /// made it as the next of the page before: walking half a million rows to get there would take the run's time.
    /// </summary>
    private static async Task<string> DeepStartAsync(StoreSize store, string path, char separator, int offset)
    {
        var sql = path.StartsWith("/api/tasks", StringComparison.Ordinal)
            ? "SELECT due_at, id FROM approval_tasks WHERE status = 'open' AND assigned_to IS NULL AND group_name = 'team-leads' ORDER BY due_at, id LIMIT 1 OFFSET @offset"
            : path.Contains("status=", StringComparison.Ordinal)
                ? "SELECT created_at, id FROM instances WHERE status = 'awaiting-approval' ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET @offset"
                : "SELECT created_at, id FROM instances ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET @offset";
        var (key, id) = await store.RowAsync(sql, offset);
        return $"{path}{separator}cursor={Uri.EscapeDataString(new PageCursor(key, Guid.Parse(id)).Encode())}";
    }

    private static async Task<(JsonElement Page, double Millis)> GetAsync(HttpClient http, string url)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {body}");
        }

        return (JsonDocument.Parse(body).RootElement.Clone(), ms);
    }

    private static HttpClient Client(Uri baseAddress, string token)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : DetectorBench.Percentile(sorted, p);

    /// <summary>VmRSS and VmHWM of a process, in bytes (Linux).</summary>
    private static (long Rss, long Peak) Memory(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        long Field(string name) => long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return (Field("VmRSS:"), Field("VmHWM:"));
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Only litter in the temp folder.
        }
    }
}

/// <param name="Pages">Pages walked per list by the cursor, and again from half way.</param>
/// <param name="Seeded">A SQLite file seeded by an earlier run (<c>--keep</c>), copied instead of seeding again; <see cref="Pending"/> must say how many it holds.</param>
internal sealed record PendingOptions(int Pending, string Store, int Pages, int Batch, bool Keep, string? Seeded = null)
{
    public static PendingOptions? Parse(string[] args)
    {
        PendingOptions? o = new(1_000_000, "sqlite", 100, 5000, false);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] == "--keep")
            {
                o = o with { Keep = true };
                i--;
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : null;
            o = (args[i], value) switch
            {
                ("--pending", { } v) when int.TryParse(v, out var n) && n > 0 => o with { Pending = n },
                ("--store", "sqlite" or "postgres") => o with { Store = value },
                ("--pages", { } v) when int.TryParse(v, out var n) && n > 1 => o with { Pages = n },
                ("--batch", { } v) when int.TryParse(v, out var n) && n > 0 => o with { Batch = n },
                ("--seeded", { } v) when File.Exists(v) => o with { Seeded = v },
                _ => null,
            };
            if (o is null)
            {
                return null;
            }
        }

        return o;
    }
}
