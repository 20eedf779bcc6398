using System.Globalization;
using ApprovalOrchestrator.Testing.ScaleOut;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// The main benchmark's options: which scenarios (<c>--scenario all|green|decisions|timers|pending</c>, comma-separated),
/// on which store (<c>--store sqlite|postgres</c>), and each scenario's size.
/// </summary>
/// <param name="Keep">Keep the run's folder (the SQLite file's outbox and audit tables show where the time went).</param>
internal sealed record BenchOptions(
    string[] Scenarios,
    string Store,
    int Requests,
    int Inflight,
    int Warmup,
    int Decisions,
    int DecisionRate,
    int Timers,
    int Pending,
    string Url,
    TimeSpan Timeout,
    bool Keep = false)
{
    public static readonly string[] AllScenarios = ["green", "decisions", "timers", "pending"];

    public const string Usage =
        "usage: [--scenario all|green|decisions|timers|pending (comma-separated)] [--store sqlite|postgres] [--requests 2000] [--inflight 100]\n" +
        "       [--warmup 50] [--decisions 1000] [--rate 100] [--timers 10000] [--pending 1000000] [--url amqp://guest:guest@127.0.0.1:5672/]\n" +
        "       [--timeout <seconds>] [--keep]   (timers and pending have more options as subcommands: -- timers ..., -- pending ...)\n" +
        "       PostgreSQL from AO_POSTGRES_URL; RabbitMQ from --url or RABBITMQ_URL";

    public static BenchOptions? Parse(string[] args)
    {
        BenchOptions? o = new(
            AllScenarios, BenchStore.Sqlite, 2000, 100, 50, 1000, 100, 10_000, 1_000_000,
            Environment.GetEnvironmentVariable(RabbitMqUrl.Variable) is { Length: > 0 } env ? env : "amqp://guest:guest@127.0.0.1:5672/",
            TimeSpan.FromMinutes(10));
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
                ("--scenario", { } v) when ParseScenarios(v) is { } s => o with { Scenarios = s },
                ("--store", BenchStore.Sqlite or BenchStore.Postgres) => o with { Store = value },
                ("--requests", { } v) when Positive(v) is { } n => o with { Requests = n },
                ("--inflight", { } v) when Positive(v) is { } n => o with { Inflight = n },
                ("--warmup", { } v) when Positive(v) is { } n => o with { Warmup = n },
                ("--decisions", { } v) when Positive(v) is { } n => o with { Decisions = n },
                ("--rate", { } v) when Positive(v) is { } n => o with { DecisionRate = n },
                ("--timers", { } v) when Positive(v) is { } n => o with { Timers = n },
                ("--pending", { } v) when Positive(v) is { } n => o with { Pending = n },
                ("--url", { } v) => o with { Url = v },
                ("--timeout", { } v) when Positive(v) is { } n => o with { Timeout = TimeSpan.FromSeconds(n) },
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

    private static int? Positive(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static string[]? ParseScenarios(string text)
    {
        if (text == "all")
        {
            return AllScenarios;
        }

        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length > 0 && names.All(AllScenarios.Contains) ? names : null;
    }
}
