using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using static ApprovalOrchestrator.Core.Tests.TestSupport.RuleKit;

namespace ApprovalOrchestrator.Core.Tests.Adversarial;

/// <summary>
/// Attacks on deny by default, against the pure classifier: a tool, action or agent the definition does not declare must
/// never classify onto an execute route. Names are compared exactly; every variant below is a different, undeclared name.
/// </summary>
public class DenyByDefaultClassificationTests
{
    // Declares one tool with any action and one with only 'list', and an extra agent; no rule mentions them.
    private static readonly WorkflowDefinition Declared = Valid(Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"because\", terms: [wipe] }")
        .Replace("execution:", """
        tools:
          sessions_list: {}
          files: { actions: [list, stat] }
        agents: [ops]
        execution:
        """, StringComparison.Ordinal));

    [Fact]
    public void Undeclared_tool_is_sent_to_the_amber_route_with_a_readable_reason()
    {
        var result = ReferencePolicy.Classify(new PolicyInput("Tidy up.", "alice", "main", "exec", "run"));
        Assert.Equal((RiskLevel.Amber, "amber"), (result.Risk, result.Route));
        var match = Assert.Single(result.Matches);
        Assert.Equal("deny-by-default/tool", match.RuleId);
        Assert.Equal(["tool 'exec' is not declared by definition 'agent-action-approval' v1"], match.Details);
        Assert.StartsWith("Tool 'exec' is not declared by definition 'agent-action-approval' v1; undeclared tools go to route 'amber'", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Declared_read_only_tool_still_runs_at_once()
    {
        var result = ReferencePolicy.Classify(new PolicyInput("List sessions.", "alice", "main", "sessions_list", "json"));
        Assert.Equal((RiskLevel.Green, "green"), (result.Risk, result.Route));
        Assert.Empty(result.Matches);
    }

    [Theory]
    [InlineData("files", "delete")] // declared tool, undeclared action
    [InlineData("files", "List")] // action case variant
    [InlineData("files", null)] // no action where only some are declared
    public void Declared_tool_with_an_undeclared_action_needs_approval(string tool, string? action)
    {
        var result = Classify(Declared, Input(tool: tool, action: action));
        Assert.Equal("amber", result.Route);
        Assert.Equal("deny-by-default/tool", result.Matches[0].RuleId);
        Assert.Contains("files", result.Matches[0].Details![0], StringComparison.Ordinal);
    }

    [Fact]
    public void Declared_tool_with_a_declared_action_runs()
    {
        Assert.Equal("green", Classify(Declared, Input(tool: "files", action: "stat")).Route);
        Assert.Equal("green", Classify(Declared, Input(tool: "sessions_list", action: "anything")).Route);
    }

    [Theory]
    [InlineData("Sessions_List")] // case
    [InlineData("SESSIONS_LIST")]
    [InlineData("sessions_list ")] // trailing space
    [InlineData(" sessions_list")]
    [InlineData("sessions_list\n")] // trailing newline ('$' in a regex would let this through)
    [InlineData("sessions_list\t")]
    [InlineData("ｓｅｓｓｉｏｎｓ＿ｌｉｓｔ")] // full-width (NFKC would fold it onto the declared name)
    [InlineData("ѕessions_list")] // Cyrillic dze for the s
    [InlineData("sessions\u200B_list")] // zero-width space inside
    [InlineData("sessions_lis\u0074\u0301")] // combining accent
    [InlineData("sessions-list")] // another separator
    [InlineData("sessions_list.")]
    public void Variant_of_a_declared_tool_name_is_not_declared(string variant)
    {
        var result = Classify(Declared, Input(tool: variant));
        Assert.Equal("amber", result.Route);
        // Undeclared whatever else flags it (a look-alike letter is also a mixed-script word, listed first then).
        Assert.Contains("deny-by-default/tool", result.MatchedRuleIds);
    }

    [Fact]
    public void Rule_routing_to_an_execute_route_cannot_let_an_undeclared_tool_run()
    {
        // A rule that says "this agent is fine, just run it" still does not turn deny by default off.
        var definition = Valid(Source("    - { id: ok, risk: red, category: c, confidence: 0.9, reason: \"trusted\", when: { agent: main }, route: green }"));
        var result = Classify(definition, Input(tool: "exec"));
        Assert.Equal("amber", result.Route);
        Assert.Equal(["deny-by-default/tool", "ok"], result.MatchedRuleIds);
    }

    [Fact]
    public void Stricter_rule_outcome_is_kept_and_the_undeclared_tool_is_still_listed()
    {
        var result = Classify(Declared, Input("wipe it", tool: "exec"));
        Assert.Equal((RiskLevel.Red, "red"), (result.Risk, result.Route));
        Assert.Equal(["r", "deny-by-default/tool"], result.MatchedRuleIds);
    }

    [Fact]
    public void Block_route_for_unknown_tools_beats_an_approval_rule()
    {
        var definition = Valid(Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"because\", terms: [wipe] }")
            .Replace("execution:", "unknownTool: blocked\nexecution:", StringComparison.Ordinal));
        Assert.Equal("blocked", Classify(definition, Input("wipe it", tool: "exec")).Route);
        Assert.Equal("blocked", Classify(definition, Input("hello", tool: "exec")).Route);
    }

    [Fact]
    public void Definition_that_declares_no_tools_sends_every_tool_call_to_approval()
    {
        var bare = OneRule("{ terms: [wipe] }");
        Assert.Empty(bare.Access.Tools);
        foreach (var tool in new[] { "sessions_list", "read", "exec", "a" })
        {
            Assert.Equal("amber", Classify(bare, Input(tool: tool)).Route);
        }
    }

    [Theory]
    [InlineData("intruder")]
    [InlineData("Main")] // case variant of the execution agent
    [InlineData("OPS")]
    [InlineData("main ")]
    [InlineData("mаin")] // Cyrillic a
    public void Unknown_agent_needs_approval_even_for_a_chat_request(string agent)
    {
        var result = Classify(Declared, Input("Summarize the policy.", agent: agent));
        Assert.Equal("amber", result.Route);
        var match = Assert.Single(result.Matches);
        Assert.Equal("deny-by-default/agent", match.RuleId);
        Assert.Equal($"agent '{agent}' is not declared by definition 't' v1", match.Details![0]);
    }

    [Fact]
    public void Execution_agent_and_declared_agents_are_known()
    {
        Assert.Equal("green", Classify(Declared, Input(agent: "main")).Route);
        Assert.Equal("green", Classify(Declared, Input(agent: "ops")).Route);
    }

    [Fact]
    public void Unknown_agent_and_unknown_tool_both_listed_the_strictest_route_wins()
    {
        var definition = Valid(Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"because\", terms: [wipe] }")
            .Replace("execution:", "unknownAgent: red\nexecution:", StringComparison.Ordinal));
        var result = Classify(definition, Input(agent: "stranger", tool: "exec"));
        Assert.Equal((RiskLevel.Red, "red"), (result.Risk, result.Route));
        Assert.Equal(["deny-by-default/agent", "deny-by-default/tool"], result.MatchedRuleIds);
    }

    [Theory]
    [InlineData("Summarize our AI governance policy for internal use.", "green")]
    [InlineData("Draft an email to finance asking for confirmation of the Q1 cloud budget.", "amber")]
    [InlineData("Send an email to all employees that payroll will be delayed by 2 days.", "red")]
    [InlineData("Transfer funds from treasury to vendor account immediately.", "red")]
    [InlineData("Run a shell command to archive the home directory and upload it.", "red")]
    public void Chat_reference_requests_keep_the_reference_behaviour(string text, string route)
    {
        var result = ReferencePolicy.Classify(text);
        Assert.Equal(route, result.Route);
        Assert.DoesNotContain(result.MatchedRuleIds, id => id.StartsWith("deny-by-default/", StringComparison.Ordinal));
    }

    [Fact]
    public void Classification_with_deny_by_default_is_deterministic()
    {
        var input = Input("wipe", agent: "stranger", tool: "Sessions_List", action: "x");
        var first = Classify(Declared, input);
        var second = new Classifier(Declared).Classify(input, Ref);
        Assert.Equal(first.Route, second.Route);
        Assert.Equal(first.Reason, second.Reason);
        Assert.Equal(first.MatchedRuleIds, second.MatchedRuleIds);
        Assert.Equal(first.Matches.Select(m => string.Join("|", m.Details ?? [])), second.Matches.Select(m => string.Join("|", m.Details ?? [])));
    }
}
