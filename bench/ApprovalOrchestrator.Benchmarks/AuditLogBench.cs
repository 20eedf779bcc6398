using System.Diagnostics;
using System.Globalization;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Runtime.Audit;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Storage.Sqlite;
using Dapper;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// <c>-- audit-log [--events 20000] [--large 1000000]</c>: what the signed log costs per event on a real SQLite file.
/// The same audit-event rows are written one transaction each (as workflow steps commit) with and without their log
/// leaf; the difference in time and file size is the log's cost. Then a log of <c>--large</c> leaves (built in batches)
/// is timed for roots, inclusion and consistency proofs, and checkpoint signing.
/// </summary>
internal static class AuditLogBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = Arg(args, "--events", 20_000);
        var large = Arg(args, "--large", 1_000_000);
        var directory = Directory.CreateTempSubdirectory("ao-bench-log-").FullName;
        try
        {
            // Interleaved rounds, so drift on a shared machine falls on both sides alike.
            var plain = Open(Path.Combine(directory, "plain.db"));
            var logged = Open(Path.Combine(directory, "logged.db"));
            TimeSpan plainTime = default, loggedTime = default;
            long plainBytes = 0, loggedBytes = 0;
            const int Rounds = 10;
            for (var round = 0; round < Rounds; round++)
            {
                var (t1, b1) = await WriteAsync(plain, events / Rounds, withLog: false);
                var (t2, b2) = await WriteAsync(logged, events / Rounds, withLog: true);
                (plainTime, plainBytes, loggedTime, loggedBytes) = (plainTime + t1, plainBytes + b1, loggedTime + t2, loggedBytes + b2);
            }

            Console.WriteLine($"events     {events}, one transaction each (synchronous=NORMAL, WAL), {Rounds} interleaved rounds");
            Console.WriteLine($"without    {Micro(plainTime, events),8:0.0} µs/event   {plainBytes / (double)events,7:0} bytes/event");
            Console.WriteLine($"with log   {Micro(loggedTime, events),8:0.0} µs/event   {loggedBytes / (double)events,7:0} bytes/event");
            Console.WriteLine($"log cost   {Micro(loggedTime - plainTime, events),8:0.0} µs/event   {(loggedBytes - plainBytes) / (double)events,7:0} bytes/event");
            await LargeAsync(Path.Combine(directory, "large.db"), large);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(TimeSpan Time, long Bytes)> WriteAsync(SqliteDatabase database, int events, bool withLog)
    {
        var data = Json.Serialize(new Dictionary<string, object?> { ["risk"] = "amber", ["reasons"] = new[] { "tool 'email.send' is amber", "recipient outside the company" }, ["taskId"] = Guid.NewGuid() });
        var baseline = await SizeAsync(database);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            var instance = Guid.NewGuid();
            await database.InTransactionAsync(async (connection, tx) =>
            {
                var at = Timestamps.ToText(DateTimeOffset.UtcNow);
                var hash = "sha256:" + new string('a', 64);
                var id = await connection.ExecuteScalarAsync<long>(
                    """
                    INSERT INTO audit_events (instance_id, seq, kind, actor, at, definition_id, definition_version, definition_hash, data, prev_hash, hash)
                    VALUES (@instance, 1, 'classified', 'policy', @at, 'default', 1, @hash, @data, @hash, @hash); SELECT last_insert_rowid();
                    """,
                    new { instance = instance.ToString(), at, hash, data },
                    tx);
                if (withLog)
                {
                    var entry = LogEntries.ForRequestEvent(instance, 1, "classified", "policy", at, "default", 1, hash, LogEntries.ContentHash(data), hash, hash);
                    await AuditLog.AppendAsync(connection, tx, LogEntries.RequestEvent, id.ToString(CultureInfo.InvariantCulture), instance, entry);
                }

                return 0;
            });
        }

        clock.Stop();
        return (clock.Elapsed, await SizeAsync(database) - baseline);
    }

    private static async Task LargeAsync(string path, int size)
    {
        var database = Open(path);
        var build = Stopwatch.StartNew();
        const int Batch = 5_000;
        for (var start = 0; start < size; start += Batch)
        {
            var count = Math.Min(Batch, size - start);
            await database.InTransactionAsync(async (connection, tx) =>
            {
                for (var i = 0; i < count; i++)
                {
                    await AuditLog.AppendAsync(connection, tx, "bench", (start + i).ToString(CultureInfo.InvariantCulture), null, $"{{\"v\":1,\"n\":{start + i}}}");
                }

                return 0;
            });
        }

        build.Stop();
        var bytes = await SizeAsync(database);
        Console.WriteLine($"large log  {size} leaves built in {build.Elapsed.TotalSeconds:0.0} s ({Micro(build.Elapsed, size):0.0} µs/leaf in batches of {Batch}), {bytes / (double)size:0} bytes/leaf on disk (log tables only)");

        var options = Microsoft.Extensions.Options.Options.Create(new AuditLogOptions { KeyFile = Path.Combine(Path.GetDirectoryName(path)!, "bench.key") });
        using var checkpoints = new CheckpointService(database, TimeProvider.System, options, Microsoft.Extensions.Logging.Abstractions.NullLogger<CheckpointService>.Instance);
        var sign = Stopwatch.StartNew();
        var checkpoint = await checkpoints.SignAsync();
        sign.Stop();
        Console.WriteLine($"checkpoint signed at size {checkpoint.Size} in {sign.Elapsed.TotalMilliseconds:0.0} ms (root from stored nodes + Ed25519)");

        var random = new Random(7);
        const int Proofs = 1_000;
        var inclusion = Stopwatch.StartNew();
        var proofLength = 0;
        for (var i = 0; i < Proofs; i++)
        {
            proofLength = (await checkpoints.InclusionAsync(random.NextInt64(size), size))!.Value.Proof.Count;
        }

        inclusion.Stop();
        var consistency = Stopwatch.StartNew();
        for (var i = 0; i < Proofs; i++)
        {
            _ = await checkpoints.ConsistencyAsync(random.NextInt64(1, size), size);
        }

        consistency.Stop();
        Console.WriteLine($"proofs     inclusion {Micro(inclusion.Elapsed, Proofs):0} µs each ({proofLength} hashes), consistency {Micro(consistency.Elapsed, Proofs):0} µs each, at size {size}");
    }

    private static SqliteDatabase Open(string path)
    {
        var database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { ConnectionString = $"Data Source={path}" }));
        database.EnsureCreated();
        return database;
    }

    private static async Task<long> SizeAsync(SqliteDatabase database)
    {
        await using var connection = database.Open();
        await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        return await connection.ExecuteScalarAsync<long>("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
    }

    private static double Micro(TimeSpan time, long count) => time.TotalMilliseconds * 1000 / count;

    private static int Arg(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
