using System.CommandLine;
using System.Globalization;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Output;
using ApprovalOrchestrator.Core.Audit.Log;

namespace ApprovalOrchestrator.Cli.Audit;

/// <summary>
/// <c>aoctl audit monitor</c>: fetches the latest checkpoint over time, checks its signature with the pinned key and
/// that it extends the previous one (a consistency proof from the server, verified here), and keeps the last good
/// checkpoint in a state file so a rewrite is caught across runs. Any failure is an ALARM line and exit 2.
/// </summary>
internal static class MonitorCommand
{
    public static Command Create()
    {
        var key = AuditCommand.KeyOption();
        var state = new Option<string?>("--state") { Description = "Where the last verified checkpoint is kept between runs (default: audit-monitor.checkpoint beside aoctl's config)." };
        var interval = new Option<string>("--interval") { Description = "Time between checks (e.g. 30s, 5m).", DefaultValueFactory = _ => "60s" };
        var once = new Option<bool>("--once") { Description = "Check once and exit (for cron or CI)." };
        var command = new Command("monitor", "Watch the log as a witness: each checkpoint must be signed by the pinned key and extend the previous one.") { key, state, interval, once };
        Verb.SetAction(command, async (parse, ct) =>
        {
            var trusted = TrustedKeys.Load(parse.GetValue(key));
            if (!Publish.Duration.TryParse(parse.GetValue(interval)!, out var every))
            {
                throw new CliException($"--interval '{parse.GetValue(interval)}' is not a duration (e.g. 30s, 5m).");
            }

            var statePath = parse.GetValue(state) ?? Path.Combine(Path.GetDirectoryName(ConfigFile.DefaultPath)!, "audit-monitor.checkpoint");
            using var api = Connection.Open(parse);
            while (true)
            {
                var alarm = await CheckAsync(api, trusted, statePath, ct);
                if (alarm is not null)
                {
                    Console.Error.WriteLine($"ALARM: {alarm}");
                    return AuditCommand.VerificationFailed;
                }

                if (parse.GetValue(once))
                {
                    return Verb.Ok;
                }

                var next = DateTimeOffset.UtcNow + every;
                await Output.Progress.WaitAsync(Task.Delay(every, ct), Output.Progress.Every < every ? TimeSpan.FromTicks(Math.Max(Output.Progress.Every.Ticks, every.Ticks / 6)) : every,
                    () => $"watching: next check at {next:HH:mm:ss}Z", quiet: false, ct);
            }
        });
        return command;
    }

    private static async Task<string?> CheckAsync(Http.ApiClient api, IReadOnlyList<NoteVerifier> trusted, string statePath, CancellationToken ct)
    {
        var note = await api.GetTextAsync("api/audit/log/checkpoint", ct);
        var (current, signedBy, error) = Checkpoint.Open(note, trusted);
        if (current is null)
        {
            return $"the latest checkpoint does not verify: {error}";
        }

        if (File.Exists(statePath))
        {
            var (previous, _, stateError) = Checkpoint.Open(File.ReadAllText(statePath), trusted);
            if (previous is null)
            {
                return $"the state file {statePath} does not hold a checkpoint signed by the key: {stateError}";
            }

            IReadOnlyList<byte[]>? proof = null;
            if (previous.Size < current.Size)
            {
                var answer = await api.GetAsync(FormattableString.Invariant($"api/audit/log/proof/consistency?from={previous.Size}&to={current.Size}"), ct);
                proof = answer.GetProperty("proof").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList();
            }

            if (LogConsistency.Check(previous, current, proof) is { } inconsistent)
            {
                return $"checkpoint of size {current.Size} is not consistent with the one of size {previous.Size} seen earlier: {inconsistent}";
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(statePath))!);
        File.WriteAllText(statePath, note);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ok: {current.Origin} tree size {current.Size}, root {Convert.ToBase64String(current.Root)}, signed {current.Time:u} by key {NoteKeys.KeyIdText(signedBy!.KeyId)}"));
        return null;
    }
}
