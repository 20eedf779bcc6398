using ApprovalOrchestrator.Core.Budgets;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using static ApprovalOrchestrator.Core.Tests.Guardrails.GuardrailKit;

namespace ApprovalOrchestrator.Core.Tests.Budgets;

/// <summary>The <c>budgets</c> section as authors write it: parsed, validated by parser and schema, covered by the hash.</summary>
public sealed class BudgetDefinitionTests
{
    private const string Full = """
        budgets:
          approvalRoute: red
          default: { requestsPerMinute: 60, toolCallsPerDay: 500, tokensPerDay: 2000000 }
          agents:
            main: { toolCallsPerDay: 50, onExceeded: reject }
        """;

    [Fact]
    public void A_full_section_parses_into_the_default_the_overrides_and_the_route()
    {
        var policy = Definition(Full).Budgets!;

        Assert.Equal("red", policy.ApprovalRoute);
        Assert.Equal(new BudgetLimits(60, 500, 2_000_000, null), policy.Default);
        Assert.Equal(new BudgetLimits(60, 50, 2_000_000, BudgetAction.Reject), policy.LimitsFor("main"));
        Assert.Equal(policy.Default, policy.LimitsFor("someone-else"));
    }

    [Fact]
    public void Without_the_section_there_is_no_policy_and_the_approval_route_defaults_to_amber()
    {
        Assert.Null(Definition(string.Empty).Budgets);
        Assert.Equal("amber", Definition("budgets: { default: { requestsPerMinute: 5 } }").Budgets!.ApprovalRoute);
    }

    [Theory]
    [InlineData("budgets: { default: { requestsPerMinute: -1 } }", "budgets.default.requestsPerMinute", "not a whole number of zero or more")]
    [InlineData("budgets: { default: { toolCallsPerDay: 2.5 } }", "budgets.default.toolCallsPerDay", "not a whole number")]
    [InlineData("budgets: { default: { tokensPerDay: lots } }", "budgets.default.tokensPerDay", "'lots' is not a whole number")]
    [InlineData("budgets: { default: { requestsPerMinute: 5, onExceeded: block } }", "budgets.default.onExceeded", "unknown budget action 'block'")]
    [InlineData("budgets: { default: { requestsPerHour: 5 } }", "budgets.default.requestsPerHour", "unknown key 'requestsPerHour'")]
    [InlineData("budgets: { limits: {} }", "budgets.limits", "unknown key 'limits'")]
    [InlineData("budgets: { agents: [main] }", "budgets.agents", "expected a mapping of agent id to limits")]
    [InlineData("budgets: { agents: { main: { toolCallsPerDay: x } } }", "budgets.agents.main.toolCallsPerDay", "'x' is not a whole number")]
    [InlineData("budgets: { default: { requestsPerMinute: 5 }, approvalRoute: green }", "budgets.approvalRoute", "needs an approve route, but 'green' is 'execute'")]
    [InlineData("budgets: { default: { requestsPerMinute: 5 }, approvalRoute: nowhere }", "budgets.approvalRoute", "route 'nowhere', which does not exist")]
    [InlineData("budgets: [ 5 ]", "budgets", "expected a mapping")]
    public void Mistakes_are_reported_at_their_path(string yaml, string path, string message)
    {
        var result = DefinitionParser.Parse(Source(yaml));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Reject_everywhere_needs_no_approval_route()
    {
        Assert.True(DefinitionParser.Parse(Source("budgets: { default: { requestsPerMinute: 5, onExceeded: reject }, approvalRoute: green }")).IsValid);
    }

    [Fact]
    public void An_override_for_an_agent_the_definition_does_not_know_is_a_warning()
    {
        var result = DefinitionParser.Parse(Source("budgets: { agents: { ghost: { requestsPerMinute: 1 } } }"));

        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Path == "budgets.agents.ghost");
    }

    [Fact]
    public void The_schema_accepts_the_section_and_refuses_what_the_parser_refuses()
    {
        Assert.True(DefinitionValidation.Validate(Source(Full)).IsValid);
        Assert.False(DefinitionValidation.Validate(Source("budgets: { default: { requestsPerMinute: -1 } }")).IsValid);
        Assert.False(DefinitionValidation.Validate(Source("budgets: { default: { toolCallsPerDay: \"50\" , onExceeded: hold } }")).IsValid);
        Assert.Contains("budgetLimits", DefinitionSchema.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_definition_hash_covers_the_limits()
    {
        var a = DefinitionHash.Compute(Source("budgets: { default: { toolCallsPerDay: 50 } }"));
        var b = DefinitionHash.Compute(Source("budgets: { default: { toolCallsPerDay: 51 } }"));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void The_shipped_reference_definition_sets_no_budgets()
    {
        // Its five reference requests keep their risks and routes: nothing is counted or limited under it.
        Assert.Null(ReferencePolicy.Definition.Budgets);
    }
}
