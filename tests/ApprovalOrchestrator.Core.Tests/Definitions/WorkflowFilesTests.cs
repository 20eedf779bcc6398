using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

/// <summary>The definition files shipped in the repository parse and mean what their comments say.</summary>
public class WorkflowFilesTests
{
    private const string FastPath = "tests/ApprovalOrchestrator.Integration.Tests/Workflows/fast-escalation.yaml";

    [Fact]
    public void Reference_policy_has_the_documented_routes()
    {
        var d = RepoFiles.LoadDefinition(ReferencePolicy.Path);
        Assert.Equal("agent-action-approval", d.Id);
        Assert.Equal(RouteAction.Execute, d.RouteFor("green").Action);
        Assert.Equal(RouteAction.Block, d.RouteFor("blocked").Action);
        Assert.Equal(
            [new ApprovalTier("team-leads", 1, TimeSpan.FromHours(4)), new ApprovalTier("managers", 1, TimeSpan.FromHours(8))],
            d.RouteFor("amber").Tiers);
        Assert.Equal([new ApprovalTier("security-officers", 2, TimeSpan.FromHours(24))], d.RouteFor("red").Tiers);
        Assert.Equal(ExpiryAction.Reject, d.RouteFor("red").OnExpiry);
        Assert.Equal(new ExecutionPolicy("main", TimeSpan.FromSeconds(90)), d.Execution);
        Assert.Equal(["blocked-destructive", "red-high-impact", "amber-moderate-impact"], d.Classification.Rules.Select(r => r.Id));
    }

    [Fact]
    public void Fast_escalation_parses_with_second_timeouts_and_the_same_rules()
    {
        var fast = RepoFiles.LoadDefinition(FastPath);
        var reference = RepoFiles.LoadDefinition(ReferencePolicy.Path);
        Assert.Equal("fast-escalation", fast.Id);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], fast.RouteFor("amber").Tiers.Select(t => t.Timeout));
        Assert.Equal([TimeSpan.FromSeconds(2)], fast.RouteFor("red").Tiers.Select(t => t.Timeout));
        Assert.Equal(reference.Classification.Default, fast.Classification.Default);
        Assert.Equal(reference.Classification.Rules.Count, fast.Classification.Rules.Count);
        foreach (var (f, r) in fast.Classification.Rules.Zip(reference.Classification.Rules))
        {
            Assert.Equal((r.Id, r.Risk, r.Category, r.Confidence, r.Reason, r.Route), (f.Id, f.Risk, f.Category, f.Confidence, f.Reason, f.Route));
            Assert.Equal(r.Terms, f.Terms);
        }
    }
}
