using ApprovalOrchestrator.Core.Bindings;

namespace ApprovalOrchestrator.Core.Tests.Bindings;

/// <summary>The pure binding rules: precedence, what a binding lets a caller choose, and document validation.</summary>
public class PolicyBindingsTests
{
    private static readonly PolicyBindings Document = new(
        new Binding("reference", ["fast"]),
        [new AgentBinding("ops", new Binding("ops-policy", ["ops-dry"]))],
        [new GroupBinding("zeta", new Binding("zeta-policy", [])), new GroupBinding("alpha", new Binding("alpha-policy", ["alpha-extra"]))]);

    [Theory]
    [InlineData("ops", new[] { "alpha", "zeta" }, "ops-policy", "agent 'ops'")]
    [InlineData("main", new[] { "alpha", "zeta" }, "zeta-policy", "group 'zeta'")]
    [InlineData(null, new[] { "zeta", "alpha" }, "zeta-policy", "group 'zeta'")]
    [InlineData(null, new[] { "alpha" }, "alpha-policy", "group 'alpha'")]
    [InlineData(null, new[] { "Alpha", "zeta " }, "reference", "default")] // groups compare exactly
    [InlineData("OPS", new string[0], "reference", "default")] // agent ids compare exactly
    [InlineData(null, new string[0], "reference", "default")]
    public void Agent_beats_the_first_group_in_document_order_beats_the_default(string? agent, string[] groups, string workflow, string label)
    {
        var (binding, applied) = Document.Applicable(agent, groups);
        Assert.Equal((workflow, label), (binding.Workflow, applied));
    }

    [Fact]
    public void A_binding_allows_its_own_workflow_and_its_allow_choice_only()
    {
        var binding = Document.Applicable(null, ["alpha"]).Binding;
        Assert.True(binding.Allows("alpha-policy"));
        Assert.True(binding.Allows("alpha-extra"));
        Assert.False(binding.Allows("fast")); // the default's choice does not carry over
        Assert.False(binding.Allows("Alpha-extra"));
        Assert.False(binding.Allows("alpha-extra "));
    }

    [Fact]
    public void Validation_reports_every_problem_with_its_path()
    {
        var bad = new PolicyBindings(
            new Binding("missing", ["fast", "bad name"]),
            [new AgentBinding("ops", new Binding("ops-policy", [])), new AgentBinding("ops", new Binding("ops-policy", []))],
            [new GroupBinding("", new Binding("zeta-policy", []))]);
        var errors = BindingsValidator.Validate(bad, w => w is "fast" or "ops-policy" or "zeta-policy");
        Assert.Equal(["default.workflow", "default.allowChoice[1]", "agents[1].agent", "groups[0].group"], errors.Select(e => e.Field));
    }

    [Fact]
    public void A_valid_document_has_no_errors() =>
        Assert.Empty(BindingsValidator.Validate(Document, _ => true));
}
