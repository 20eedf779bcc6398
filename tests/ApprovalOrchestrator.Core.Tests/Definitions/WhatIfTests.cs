using System.Globalization;
using System.Text.Json;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Changes;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

public class WhatIfTests
{
    // The reference policy plus a red rule for large payments (appended, so no other rule moves) and a faster first amber tier.
    internal static string DraftSource() => RepoFiles.Read(ReferencePolicy.Path)
        .Replace("PT4H", "PT2H", StringComparison.Ordinal)
        .Replace("\nroutes:\n", """

            - id: big-payment
              risk: red
              category: money
              confidence: 0.9
              reason: "Large payment."
              when:
                all:
                  - tool: payments
                  - arg: { path: amount, op: gt, value: 10000 }
        routes:

        """, StringComparison.Ordinal);

    /// <summary>The reference policy with the fixture's payments tool declared, so payments are classified by the rules alone.</summary>
    internal static string WithPayments(string source) => source
        .Replace("\n  sessions_list: {}\n", "\n  sessions_list: {}\n  payments: {}\n", StringComparison.Ordinal);

    /// <summary>
    /// 1,000 requests in four kinds by i % 4: payments of i × 50 (green; red under the draft above 10000, i.e. i = 204..996,
    /// 199 requests), amber e-mails (route changes with the amber tiers: 250), red deletions (unchanged), green listings (unchanged).
    /// </summary>
    internal static IReadOnlyList<RecordedRequest> Fixture() => Enumerable.Range(0, 1000).Select(i => new RecordedRequest(
        $"req-{i:D4}",
        (i % 4) switch
        {
            0 => new PolicyInput($"Process the usual batch {i}", "alice", "main", "payments", "charge", Args(i * 50)),
            1 => new PolicyInput($"Email the customer report {i}", "alice", "main"),
            2 => new PolicyInput($"Delete the old backups {i}", "alice", "main"),
            _ => new PolicyInput($"List the files {i}", "alice", "main"),
        })).ToArray();

    [Fact]
    public void Counts_exactly_the_requests_the_draft_reclassifies()
    {
        var current = RuleKit.Valid(WithPayments(RepoFiles.Read(ReferencePolicy.Path)));
        var draft = RuleKit.Valid(WithPayments(DraftSource()));

        var report = WhatIf.Evaluate(Fixture(), current, draft);

        Assert.Equal(1000, report.Evaluated);
        Assert.Equal(199, report.RiskChanged);
        Assert.Equal(199 + 250, report.RouteChanged);
        Assert.Equal(3, report.Changes.Count);

        var risk = Assert.Single(report.Changes, c => c.Kind == "risk");
        Assert.Equal(("green", "red", 199), (risk.From, risk.To, risk.Count));
        Assert.Equal(["req-0204", "req-0208", "req-0212", "req-0216", "req-0220"], risk.Examples.Select(e => e.RequestId));
        Assert.Equal("Process the usual batch 204", risk.Examples[0].Text);

        var amber = Assert.Single(report.Changes, c => c.Kind == "route" && c.From.StartsWith("amber", StringComparison.Ordinal));
        Assert.Equal(250, amber.Count);
        Assert.Equal("amber: approve [team-leads x1 PT4H, managers x1 PT8H] onExpiry reject", amber.From);
        Assert.Equal("amber: approve [team-leads x1 PT2H, managers x1 PT8H] onExpiry reject", amber.To);
        Assert.Equal(WhatIf.MaxExamples, amber.Examples.Count);

        var toRed = Assert.Single(report.Changes, c => c.Kind == "route" && c.From.StartsWith("green", StringComparison.Ordinal));
        Assert.Equal(199, toRed.Count);
        Assert.StartsWith("red: approve", toRed.To, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_definition_changes_nothing()
    {
        var report = WhatIf.Evaluate(Fixture(), ReferencePolicy.Definition, RuleKit.Valid(RepoFiles.Read(ReferencePolicy.Path)));
        Assert.Equal((1000, 0, 0), (report.Evaluated, report.RiskChanged, report.RouteChanged));
        Assert.Empty(report.Changes);
    }

    private static JsonElement Args(int amount) =>
        JsonDocument.Parse($$"""{"amount": {{amount.ToString(CultureInfo.InvariantCulture)}}, "currency": "EUR"}""").RootElement.Clone();
}
