using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Testing.ScaleOut;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// Timer lateness: N amber requests of the reference workflow (first tier: team leads, 4 h, then escalation), seeded
/// through the engine in-process so that their first-tier timers come due spread evenly over a window just after seeding
/// ends. Seeding runs on a clock set back by the tier's timeout (the seeding clock), so the timers land where they should
/// without editing rows; once seeded the clock is the real one again. Lateness of a firing is the 'escalated' audit
/// event's time minus its timer's due_at: the whole path, wake-up to committed step.
/// </summary>
internal static class TimersBench
{
    private static readonly TimeSpan TierTimeout = TimeSpan.FromHours(4); // workflows/agent-action-approval.yaml, amber tier 1

    public static async Task<int> RunAsync(string[] args)
    {
        var options = TimersOptions.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: timers [--timers 10000] [--window 60] [--lead 75] [--store sqlite|postgres] [--seeders 8] [--timeout <seconds>]   (postgres needs AO_POSTGRES_URL)");
            return 1;
        }

        var directory = Directory.CreateTempSubdirectory("ao-bench-timers-").FullName;
        ScratchPostgres? postgres = options.Store == "postgres" ? await ScratchPostgres.CreateAsync("ao_bench_timers_") : null;
        try
        {
            var clock = new SeedingClock();
            var settings = new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["Auth:LocalKeyFile"] = Path.Combine(directory, "local-signing.key"),
                ["AuditLog:KeyFile"] = Path.Combine(directory, "audit-log.key"),
                ["Logging:LogLevel:Default"] = "Error",
                ["Logging:LogLevel:MassTransit"] = "Critical",
                ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
            };
            if (postgres is not null)
            {
                settings["Storage:Provider"] = "postgres";
                settings["ConnectionStrings:Approvals"] = postgres.ConnectionString;
            }
            else
            {
                settings["ConnectionStrings:Approvals"] = $"Data Source={Path.Combine(directory, "approvals.db")}";
            }

            Console.WriteLine($"machine   {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
            Console.WriteLine($"load      {Load()}");
            Console.WriteLine($"store     {options.Store}{(postgres is null ? " " + directory : " " + postgres.Name)}, in-memory bus");
            Console.WriteLine($"timers    {options.Timers} due evenly over {options.Window.TotalSeconds:0} s, starting {options.Lead.TotalSeconds:0} s after seeding ends");

            var app = ServerApp.Build(settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray(), b => b.Services.AddSingleton<TimeProvider>(clock));
            await ServerApp.InitializeAsync(app.Services, AppContext.BaseDirectory);
            await app.StartAsync();
            try
            {
                var database = app.Services.GetRequiredService<Database>();
                var seeding = Stopwatch.StartNew();
                var (dueFrom, dueTo) = await SeedAsync(app, clock, database, options);
                Console.WriteLine($"seeded    {options.Timers} in {seeding.Elapsed.TotalSeconds:0.0} s; due {dueFrom:HH:mm:ss.fff} to {dueTo:HH:mm:ss.fff} ({(dueTo - dueFrom).TotalSeconds:0.0} s)");

                var result = await WaitAsync(database, options, dueTo);
                Console.WriteLine($"load      {Load()}");
                Console.WriteLine(result);
                return result.Fired == options.Timers && result.Duplicates == 0 ? 0 : 2;
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
        }
        finally
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

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

    /// <summary>
    /// A warm-up batch (due an hour later: it never fires during the run) measures the seeding rate, so the window can start
    /// <see cref="TimersOptions.Lead"/> after seeding is expected to end; the seeding clock then moves with the timers
    /// armed, so they fall due evenly over the window. The due times actually stored are what lateness is
    /// measured against, and their spread is printed.
    /// </summary>
    private static async Task<(DateTimeOffset From, DateTimeOffset To)> SeedAsync(WebApplication app, SeedingClock clock, Database database, TimersOptions options)
    {
        var engine = app.Services.GetRequiredService<WorkflowEngine>();
        var warmup = Math.Clamp(options.Timers / 50, 20, 200);
        var started = DateTimeOffset.UtcNow;
        clock.Run(started + TimeSpan.FromHours(1) - TierTimeout, 1);
        await SubmitAsync(engine, database, options, "warmup", warmup, warmup);
        var perSecond = warmup / (DateTimeOffset.UtcNow - started).TotalSeconds;
        var seeding = TimeSpan.FromSeconds(options.Timers / perSecond * 1.2);
        var dueFrom = DateTimeOffset.UtcNow + seeding + options.Lead;
        Console.WriteLine($"warm-up   {warmup} at {perSecond:0.0}/s: seeding should take {seeding.TotalSeconds:0} s");
        // The seeding clock follows progress (timers armed so far), not time: the due times cover the window evenly
        // whatever the seeding rate turns out to be.
        clock.Run(dueFrom - TierTimeout, 0);
        using var seeded = new CancellationTokenSource();
        var follow = Task.Run(async () =>
        {
            while (!seeded.IsCancellationRequested)
            {
                var armed = await ArmedAsync(database) - warmup;
                clock.Run(dueFrom - TierTimeout + options.Window * Math.Clamp(armed / (double)options.Timers, 0, 1), 0);
                await Task.Delay(100);
            }
        });
        await SubmitAsync(engine, database, options, "bench", options.Timers, warmup + options.Timers);
        await seeded.CancelAsync();
        await follow;
        clock.Run(null, 1);

        await using var connection = database.Open();
        var due = (await connection.QueryAsync<string>("SELECT due_at FROM timers WHERE status = 'armed' AND due_at < @limit ORDER BY due_at", new { limit = Timestamps.ToText(started + TimeSpan.FromMinutes(30)) }))
            .Select(Timestamps.Parse).ToList();
        if (due[0] <= DateTimeOffset.UtcNow)
        {
            Console.WriteLine($"warning   seeding overran the window's start by {(DateTimeOffset.UtcNow - due[0]).TotalSeconds:0.0} s");
        }

        return (due[0], due[^1]);
    }

    private static async Task SubmitAsync(WorkflowEngine engine, Database database, TimersOptions options, string prefix, int count, int armedAfter)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = options.Seeders }, async (i, ct) =>
        {
            var result = await engine.SubmitAsync(new SubmitCommand($"{prefix}-{i}", "bench", null, $"Send the invoice {i} to the vendor.", null, null), ct);
            if (result.Kind != WorkflowEngine.SubmitKind.Created)
            {
                throw new InvalidOperationException($"Seeding request {prefix}-{i}: {result.Kind}");
            }
        });
        // Classification arms the timer in its own step, under the same seeding clock.
        await WaitForAsync(async () => await ArmedAsync(database) >= armedAfter, TimeSpan.FromMinutes(30), "timers armed");
    }

    private static async Task<Result> WaitAsync(Database database, TimersOptions options, DateTimeOffset dueTo)
    {
        var deadline = dueTo + options.Timeout;
        var lastPrint = DateTimeOffset.UtcNow;
        while (true)
        {
            var fired = await FiredAsync(database);
            if (fired >= options.Timers || DateTimeOffset.UtcNow > deadline)
            {
                break;
            }

            if (DateTimeOffset.UtcNow - lastPrint > TimeSpan.FromSeconds(10))
            {
                Console.WriteLine($"  {DateTimeOffset.UtcNow:HH:mm:ss} fired {fired}/{options.Timers}, load {Load()}");
                lastPrint = DateTimeOffset.UtcNow;
            }

            await Task.Delay(250);
        }

        // A moment for stragglers that would be duplicates.
        await Task.Delay(2000);
        await using var connection = database.Open();
        // Per request: its first timer's due time, and its escalation's time (joined here: a correlated MIN per row is quadratic).
        var firstDue = (await connection.QueryAsync<(string InstanceId, string DueAt)>("SELECT instance_id, MIN(due_at) FROM timers GROUP BY instance_id"))
            .ToDictionary(r => r.InstanceId, r => r.DueAt);
        var rows = (await connection.QueryAsync<(string InstanceId, string FiredAt)>("SELECT instance_id, at FROM audit_events WHERE kind = 'escalated'"))
            .Select(e => (e.InstanceId, DueAt: firstDue[e.InstanceId], e.FiredAt))
            .ToList();
        var lateness = rows.Select(r => Math.Max(0, (Timestamps.Parse(r.FiredAt) - Timestamps.Parse(r.DueAt)).TotalSeconds)).Order().ToArray();
        var firings = rows.Select(r => Timestamps.Parse(r.FiredAt)).ToArray();
        var duplicates = rows.Count - rows.Select(r => r.InstanceId).Distinct().Count();
        var span = firings.Length > 1 ? (firings.Max() - firings.Min()).TotalSeconds : 0;
        return new Result(options.Timers, rows.Select(r => r.InstanceId).Distinct().Count(), duplicates, lateness, span);
    }

    private static async Task<int> ArmedAsync(Database database)
    {
        await using var connection = database.Open();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM timers WHERE status = 'armed'");
    }

    private static async Task<int> FiredAsync(Database database)
    {
        await using var connection = database.Open();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM audit_events WHERE kind = 'escalated'");
    }

    private static async Task WaitForAsync(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await probe())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    private static string Load() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private sealed record Result(int Expected, int Fired, int Duplicates, double[] Lateness, double SpanSeconds)
    {
        private double P(double p) => Lateness.Length == 0 ? double.NaN : Lateness[Math.Min(Lateness.Length - 1, (int)Math.Ceiling(p / 100 * Lateness.Length) - 1)];

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"""
             fired     {Fired}/{Expected} once each ({Duplicates} duplicates)
             lateness  p50 {P(50):0.000} s  p95 {P(95):0.000} s  p99 {P(99):0.000} s  max {(Lateness.Length > 0 ? Lateness[^1] : double.NaN):0.000} s
             rate      {(SpanSeconds > 0 ? Fired / SpanSeconds : double.NaN):0.0} firings/s over {SpanSeconds:0.0} s from first to last
             """);
    }

    /// <summary>
    /// While seeding, a clock that starts at a chosen time and runs at a chosen rate; otherwise the real one. Timers and
    /// delays still run in real time.
    /// </summary>
    private sealed class SeedingClock : TimeProvider
    {
        private sealed record Segment(DateTimeOffset Real, DateTimeOffset Shown, double Rate);

        private Segment? _run;

        public void Run(DateTimeOffset? from, double rate) =>
            Volatile.Write(ref _run, from is { } f ? new Segment(System.GetUtcNow(), f, rate) : null);

        public override DateTimeOffset GetUtcNow()
        {
            var now = System.GetUtcNow();
            return Volatile.Read(ref _run) is { } run ? run.Shown + (now - run.Real) * run.Rate : now;
        }
    }
}

internal sealed record TimersOptions(int Timers, TimeSpan Window, TimeSpan Lead, string Store, int Seeders, TimeSpan Timeout)
{
    public static TimersOptions? Parse(string[] args)
    {
        TimersOptions? o = new(10_000, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(75), "sqlite", 8, TimeSpan.FromMinutes(10));
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            o = (args[i], value) switch
            {
                ("--timers", { } v) when int.TryParse(v, out var n) && n > 0 => o with { Timers = n },
                ("--window", { } v) when int.TryParse(v, out var n) && n > 0 => o with { Window = TimeSpan.FromSeconds(n) },
                ("--lead", { } v) when int.TryParse(v, out var n) && n >= 0 => o with { Lead = TimeSpan.FromSeconds(n) },
                ("--store", "sqlite" or "postgres") => o with { Store = value },
                ("--seeders", { } v) when int.TryParse(v, out var n) && n > 0 => o with { Seeders = n },
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
}
