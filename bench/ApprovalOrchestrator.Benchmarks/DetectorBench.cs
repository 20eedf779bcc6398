using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using ApprovalOrchestrator.Core.Detection;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// `-- detectors [--iterations 2000]`: what scanning adds to a request, in-process, no broker. Latency per call of
/// <see cref="Scanner.Scan(string)"/> and of a full redaction (scan + placeholders) for a typical request text and a
/// large tool-arguments payload, and the high-entropy detector's recall on random tokens (which a corpus cannot show).
/// </summary>
internal static class DetectorBench
{
    public static int Run(string[] args)
    {
        var iterations = args is ["--iterations", var n] && int.TryParse(n, out var i) && i > 0 ? i : 2000;
        Console.WriteLine($"machine   {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"detectors {DetectorRegistry.Ids.Count}, {iterations} calls per row after warm-up, one thread");
        Console.WriteLine();
        // Two seconds over every payload first, so tiered JIT has promoted the hot paths before the first row is timed.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(2))
        {
            foreach (var (_, text) in Payloads())
            {
                PlaceholderRedactor.Redact(text, RedactionPolicy.All, new RedactionState());
            }
        }

        Console.WriteLine($"{"payload",-34} {"chars",7} {"found",5}  {"p50 µs",8} {"p99 µs",8} {"max µs",8}  {"MB/s",6}");
        foreach (var (name, text) in Payloads())
        {
            var found = Scanner.Scan(text).Count;
            Row($"scan   {name}", text, found, iterations, () => Scanner.Scan(text));
            Row($"redact {name}", text, found, iterations, () => PlaceholderRedactor.Redact(text, RedactionPolicy.All, new RedactionState()));
        }

        Console.WriteLine();
        var (largeName, large) = Payloads().ElementAt(2);
        Console.WriteLine($"per detector, {largeName}");
        foreach (var id in DetectorRegistry.Ids)
        {
            Row($"  {id}", large, Scanner.Scan(large, d => d == id).Count, Math.Max(100, iterations / 10), () => Scanner.ScanAll(large, d => d == id));
        }

        Console.WriteLine();
        Console.WriteLine("high-entropy recall on 2,000 random tokens per row (System.Random seed 1)");
        var random = new Random(1);
        foreach (var (alphabet, name) in new[] { (Base62, "base62"), (Base62 + "+/", "base64") })
        {
            foreach (var length in new[] { 20, 24, 32, 40, 64 })
            {
                var hits = 0;
                for (var t = 0; t < 2000; t++)
                {
                    var token = new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
                    hits += Scanner.Scan($"value {token} end", id => id == DetectorIds.HighEntropy).Count;
                }

                Console.WriteLine($"  {name} length {length,3}: {100.0 * hits / 2000,5:0.0}%");
            }
        }

        GuardrailBench.Run(Math.Max(100, iterations / 4));
        return 0;
    }

    private const string Base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Microseconds per call, sorted, after a warm-up of a tenth of the calls (at least 50).</summary>
    internal static double[] Measure(int iterations, Action call)
    {
        for (var w = 0; w < Math.Max(50, iterations / 10); w++)
        {
            call();
        }

        var micros = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call();
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(micros);
        return micros;
    }

    internal static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static void Row(string name, string text, int found, int iterations, Action call)
    {
        var micros = Measure(iterations, call);
        double P(double p) => Percentile(micros, p);
        var mbPerSecond = text.Length * 2 / (micros.Average() / 1e6) / 1e6; // UTF-16 bytes
        Console.WriteLine($"{name,-34} {text.Length,7} {found,5}  {P(50),8:0.0} {P(99),8:0.0} {micros[^1],8:0.0}  {mbPerSecond,6:0}");
    }

    private static IEnumerable<(string Name, string Text)> Payloads()
    {
        const string Prose = "Please draft a reply to the customer about the delayed shipment of order 88231, confirm the refund of 49.99 EUR "
            + "that finance approved on 2026-12-02 at 10:30, and schedule a follow-up for Q1 2026 with the team running v10.0.401. ";
        yield return ("request 500 chars, clean", Fit(Prose, 500));
        const string Pii = "Email bob.smith@example.com, call +44 20 7946 0958, pay DE89 3704 0044 0532 0130 00. ";
        yield return ("request 500 chars, 3 findings", Pii + Fit(Prose, 500 - Pii.Length));

        var args = new StringBuilder("{\"tool\":\"crm.update\",\"args\":{\"records\":[");
        for (var r = 0; args.Length < 20_000; r++)
        {
            args.Append($"{{\"id\":\"550e8400-e29b-41d4-a716-{r:D12}\",\"note\":\"{Prose}\",\"updated\":\"2026-12-02T10:{r % 60:D2}:00Z\",");
            args.Append(r % 10 == 0 ? $"\"email\":\"user{r}@example.com\",\"phone\":\"+1 555-123-{r % 10000:D4}\"}}," : "\"owner\":\"team-a\"},");
        }

        yield return ("tool args 20 KB JSON, some PII", args.ToString()[..20_000]);
        yield return ("tool args 20 KB prose, clean", Fit(Prose, 20_000));
    }

    internal static string Fit(string seed, int length)
    {
        var sb = new StringBuilder(length + seed.Length);
        while (sb.Length < length)
        {
            sb.Append(seed);
        }

        return sb.ToString(0, length);
    }
}
