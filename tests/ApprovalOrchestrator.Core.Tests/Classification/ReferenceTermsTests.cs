using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Classification;

/// <summary>Every keyword of the reference tutorial (REFERENCE.md §1) is caught by the shipped policy.</summary>
public class ReferenceTermsTests
{
    public static readonly TheoryData<string> RedTerms =
    [
        "delete", "remove permanently", "wire money", "transfer funds", "payroll", "bank", "hr record",
        "employee record", "run shell", "execute command", "api key", "secret", "credential", "token",
        "ssh", "sudo", "upload private", "database dump",
    ];

    public static readonly TheoryData<string> BlockedTerms = ["wipe", "exfiltrate"];

    public static readonly TheoryData<string> AmberTerms =
    [
        "email", "send", "notify", "customer", "vendor", "contract", "invoice", "budget", "approve",
        "security policy", "confidential", "write file", "modify", "change",
    ];

    [Theory]
    [MemberData(nameof(RedTerms))]
    public void Red_term_in_a_sentence_is_red(string term)
    {
        var result = ReferencePolicy.Classify($"Could you {term} for the quarterly review?");
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Equal("red", result.Route);
        Assert.Equal("red-high-impact", result.Matches[0].RuleId);
        Assert.Contains(term, result.Matches[0].Terms);
    }

    [Theory]
    [MemberData(nameof(BlockedTerms))]
    public void Destructive_term_is_blocked(string term)
    {
        var result = ReferencePolicy.Classify($"Please {term} the customer archive.");
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Equal("blocked", result.Route);
        Assert.Equal(["blocked-destructive", "amber-moderate-impact"], result.MatchedRuleIds);
    }

    [Theory]
    [MemberData(nameof(AmberTerms))]
    public void Amber_term_in_a_sentence_is_amber(string term)
    {
        var result = ReferencePolicy.Classify($"Could you {term} for the quarterly review?");
        Assert.Equal(RiskLevel.Amber, result.Risk);
        Assert.Equal("amber", result.Route);
        Assert.Equal([term], result.MatchedTerms);
    }

    [Fact]
    public void Blocked_terms_live_only_in_the_blocking_rule()
    {
        var red = ReferencePolicy.Definition.Classification.Rules.Single(r => r.Id == "red-high-impact");
        Assert.DoesNotContain("wipe", red.Terms);
        Assert.DoesNotContain("exfiltrate", red.Terms);
    }
}
