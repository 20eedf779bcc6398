using ApprovalOrchestrator.Core.Definitions;
using static ApprovalOrchestrator.Core.Tests.TestSupport.RuleKit;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

/// <summary>Parsing and validation of the deny-by-default declarations (tools, agents, unknownTool, unknownAgent).</summary>
public class AccessDeclarationTests
{
    private static string With(string declarations) =>
        Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"x\", terms: [wipe] }")
            .Replace("execution:", declarations + "\nexecution:", StringComparison.Ordinal);

    [Fact]
    public void Declarations_are_read()
    {
        var d = Valid(With("""
            tools:
              sessions_list: {}
              memory_get:
              files: { actions: [list, stat] }
            agents: [ops, reporting.bot]
            unknownTool: blocked
            unknownAgent: red
            """)).Access;
        Assert.Equal(["files", "memory_get", "sessions_list"], d.Tools.Keys.Order(StringComparer.Ordinal));
        Assert.Null(d.Tools["sessions_list"].Actions);
        Assert.Null(d.Tools["memory_get"].Actions);
        Assert.Equal(["list", "stat"], d.Tools["files"].Actions);
        Assert.Equal(["ops", "reporting.bot"], d.Agents);
        Assert.Equal(("blocked", "red"), (d.UnknownToolRoute, d.UnknownAgentRoute));
    }

    [Fact]
    public void Without_declarations_nothing_is_declared_and_unknowns_go_to_amber()
    {
        var d = Valid(With("")).Access;
        Assert.Empty(d.Tools);
        Assert.Empty(d.Agents);
        Assert.Equal(("amber", "amber"), (d.UnknownToolRoute, d.UnknownAgentRoute));
    }

    [Theory]
    [InlineData("unknownTool: green", "unknownTool", "executes without approval")]
    [InlineData("unknownAgent: green", "unknownAgent", "executes without approval")]
    [InlineData("unknownTool: nowhere", "unknownTool", "no route named 'nowhere'")]
    [InlineData("unknownAgent: Amber", "unknownAgent", "no route named 'Amber'")]
    [InlineData("tools: [sessions_list]", "tools", "expected a mapping")]
    [InlineData("tools: { \"sessions list\": {} }", "tools.sessions list", "1-64 characters")]
    [InlineData("tools: { \"ｓｅｓｓｉｏｎｓ\": {} }", "tools.ｓｅｓｓｉｏｎｓ", "1-64 characters")]
    [InlineData("tools: { \"sessions_list \": {} }", "tools.sessions_list ", "1-64 characters")]
    [InlineData("tools: { files: { action: [list] } }", "tools.files.action", "unknown key")]
    [InlineData("tools: { files: { actions: [] } }", "tools.files.actions", "at least one action")]
    [InlineData("tools: { files: { actions: list } }", "tools.files.actions", "expected a list")]
    [InlineData("tools: { files: { actions: [\"li st\"] } }", "tools.files.actions[0]", "1-64 characters")]
    [InlineData("tools: { files: yes }", "tools.files", "expected a mapping")]
    [InlineData("agents: ops", "agents", "expected a list")]
    [InlineData("agents: [\"ops bot\"]", "agents[0]", "1-64 characters")]
    public void Declaration_errors_have_paths(string declarations, string path, string message)
    {
        var result = DefinitionParser.Parse(With(declarations));
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_ids_of_the_deny_by_default_matches_are_reserved()
    {
        var result = DefinitionParser.Parse(Source("    - { id: deny-by-default/tool, risk: green, category: c, confidence: 0.9, reason: \"x\", terms: [ok] }"));
        var error = Assert.Single(result.Errors);
        Assert.Equal("classification.rules[0].id", error.Path);
    }

    [Fact]
    public void Diff_reports_declaration_changes()
    {
        var a = Valid(With("tools: { sessions_list: {} }"));
        var b = Valid(With("tools: { sessions_list: {}, files: { actions: [list] } }\nagents: [ops]\nunknownTool: blocked"));
        var other = ApprovalOrchestrator.Core.Definitions.Changes.DefinitionDiff.Compare(a, b).OtherChanges;
        Assert.Contains(other, c => c.Field == "tools" && c.From == "sessions_list(any)" && c.To == "files(list), sessions_list(any)");
        Assert.Contains(other, c => c.Field == "agents" && c.To == "ops");
        Assert.Contains(other, c => c.Field == "unknownTool" && c.From == "amber" && c.To == "blocked");
    }

    [Fact]
    public void Duplicate_tool_names_are_refused_not_merged()
    {
        var result = DefinitionParser.Parse(With("tools: { files: { actions: [list] }, files: {} }"));
        Assert.False(result.IsValid);
    }
}
