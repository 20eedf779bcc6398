using System.Text.Json.Nodes;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

/// <summary>The embedded JSON Schema accepts every shipped definition and rejects broken ones the parser rejects too.</summary>
public class DefinitionSchemaTests
{
    private static readonly MiniJsonSchema Schema = new(JsonNode.Parse(DefinitionSchema.Json)!);

    public static TheoryData<string> ShippedWorkflows()
    {
        var data = new TheoryData<string>();
        foreach (var dir in new[] { "workflows", "tests/ApprovalOrchestrator.Integration.Tests/Workflows" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoFiles.Root, dir), "*.yaml").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(RepoFiles.Root, file));
            }
        }

        return data;
    }

    [Fact]
    public void Schema_is_embedded_and_is_draft_2020_12() =>
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", JsonNode.Parse(DefinitionSchema.Json)!["$schema"]!.GetValue<string>());

    [Theory]
    [MemberData(nameof(ShippedWorkflows))]
    public void Shipped_workflows_validate(string path)
    {
        var errors = Schema.Validate(YamlToJson.Convert(RepoFiles.Read(path)));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void Rule_language_example_validates_against_schema_and_parser()
    {
        var source = RuleKit.Source("""
                - id: big-payment
                  risk: red
                  category: money
                  confidence: 0.9
                  reason: "Large payment"
                  when:
                    all:
                      - { tool: payments, action: [charge, transfer] }
                      - { arg: { path: amount, op: gt, value: 10000 } }
                      - not: { requesterGroup: [treasury] }
                      - any: [ { regex: "iban\\s*[a-z]{2}" }, { arg: { path: currency, op: in, value: [USD, GBP] } } ]
            """, routesExtra: "  fast: { action: execute, gateway: { agentId: quick, mode: tool, timeout: PT30S } }");
        Assert.True(DefinitionParser.Parse(source).IsValid, string.Join("\n", DefinitionParser.Parse(source).Errors));
        var errors = Schema.Validate(YamlToJson.Convert(source));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("name: Test\n", "name: Test\ncolour: blue\n", "unknown property 'colour'")]
    [InlineData("name: Test\n", "", "missing 'name'")]
    [InlineData("confidence: 0.5", "confidence: 1.5", "above 1")]
    [InlineData("risk: green", "risk: orange", "not one of")]
    [InlineData("timeout: PT4H", "timeout: 4 hours", "does not match")]
    [InlineData("requiredApprovals: 1", "requiredApprovals: 0", "below 1")]
    [InlineData("  green: { action: execute }\n", "", "missing 'green'")]
    [InlineData("  blocked: { action: block }", "  blocked: { action: block, gateway: { mode: chat } }", "'not' schema")]
    [InlineData("when: { tool: t }", "when: { tool: t }, terms: [x]", "oneOf")]
    [InlineData("when: { tool: t }", "when: { arg: { path: amount, op: gt, value: lots } }", "does not match")]
    [InlineData("when: { tool: t }", "when: { arg: { path: amount, op: between, value: 1 } }", "not one of")]
    [InlineData("when: { tool: t }", "when: { }", "fewer than 1 properties")]
    [InlineData("tiers: [{ group: officers, requiredApprovals: 2, timeout: P1D }]", "tiers: []", "fewer than 1 items")]
    public void Invalid_documents_fail_the_schema(string find, string replace, string message)
    {
        var valid = RuleKit.Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"x\", when: { tool: t } }");
        Assert.Empty(Schema.Validate(YamlToJson.Convert(valid)));
        var broken = valid.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(valid, broken);

        var errors = Schema.Validate(YamlToJson.Convert(broken));

        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
        Assert.False(DefinitionParser.Parse(broken).IsValid, "the parser must reject what the schema rejects");
    }
}
