using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Detection;
using ApprovalOrchestrator.Core.Guardrails;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// Part of `-- detectors`: what the guardrails add to one request with the shipped reference definition. Classification
/// with its <c>guardrails</c> section minus classification with the section removed (same rules) is the added cost of
/// the scan, the decisions and the redacted copy; screening a chat answer is the added cost on the way back.
/// </summary>
internal static class GuardrailBench
{
    public static void Run(int iterations)
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "workflows", "agent-action-approval.yaml"));
        var guarded = Parse(source);
        var bare = Parse(source[..source.IndexOf("\nguardrails:", StringComparison.Ordinal)] + "\n");
        var reference = new DefinitionRef(guarded.Id, 1, DefinitionHash.Compute(source));
        var withGuardrails = new Classifier(guarded);
        var without = new Classifier(bare);

        Console.WriteLine();
        Console.WriteLine("guardrails per request, reference definition (classify with guardrails − classify without = added)");
        Console.WriteLine($"{"request",-34} {"p50 with",9} {"p50 w/o",9} {"added",9}  {"p99 added",9}");
        foreach (var (name, input) in Requests())
        {
            var a = Percentiles(iterations, () => withGuardrails.Classify(input, reference));
            var b = Percentiles(iterations, () => without.Classify(input, reference));
            Console.WriteLine($"{name,-34} {a.P50,9:0.0} {b.P50,9:0.0} {a.P50 - b.P50,9:0.0}  {a.P99 - b.P99,9:0.0}   µs");
        }

        var policy = guarded.Guardrails!;
        var answer = JsonSerializer.SerializeToElement(new
        {
            id = "chatcmpl_1",
            model = "openclaw:main",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = DetectorBench.Fit("Here is the plan for the refund of order 88231 approved on 2026-12-02; I wrote to bob.smith@example.com. ", 2000) } } },
            usage = new { prompt_tokens = 410, completion_tokens = 380, total_tokens = 790 },
        });
        var screen = Percentiles(iterations, () => ResponseScreen.Screen(answer, null, policy, new RedactionState()));
        Console.WriteLine($"{"screen a 2 KB chat answer",-34} {screen.P50,9:0.0} {"",9} {screen.P50,9:0.0}  {screen.P99,9:0.0}   µs");
    }

    private static WorkflowDefinition Parse(string source) =>
        DefinitionParser.Parse(source) is { IsValid: true, Definition: { } d } ? d : throw new InvalidOperationException("The reference definition does not parse.");

    private static IEnumerable<(string Name, PolicyInput Input)> Requests()
    {
        const string Prose = "Please draft a reply to the customer about the delayed shipment of order 88231, confirm the refund of 49.99 EUR "
            + "that finance approved on 2026-12-02 at 10:30, and schedule a follow-up for Q1 2026 with the team running v10.0.401. ";
        yield return ("chat 500 chars, clean", new PolicyInput(DetectorBench.Fit(Prose, 500), "alice", "main"));
        const string Pii = "Email bob.smith@example.com, call +44 20 7946 0958, pay DE89 3704 0044 0532 0130 00. ";
        yield return ("chat 500 chars, 3 findings", new PolicyInput(Pii + DetectorBench.Fit(Prose, 500 - Pii.Length), "alice", "main"));
        var args = new StringBuilder("{\"records\":[");
        for (var r = 0; args.Length < 20_000; r++)
        {
            args.Append($"{{\"id\":\"550e8400-e29b-41d4-a716-{r:D12}\",\"note\":\"{Prose}\",\"email\":\"user{r}@example.com\"}},");
        }

        args.Append("{}]}");
        var json = JsonDocument.Parse(args.ToString()).RootElement.Clone();
        yield return ("tool, 20 KB args with PII", new PolicyInput("Update the CRM records.", "alice", "main", "sessions_list", "json", json));
    }

    private static (double P50, double P99) Percentiles(int iterations, Action call)
    {
        var micros = DetectorBench.Measure(iterations, call);
        return (DetectorBench.Percentile(micros, 50), DetectorBench.Percentile(micros, 99));
    }
}
