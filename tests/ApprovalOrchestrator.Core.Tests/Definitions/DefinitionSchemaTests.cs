using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

/// <summary>
/// The embedded JSON Schema, evaluated by JsonSchema.Net (the server's own check), accepts every shipped definition and
/// rejects broken ones the parser rejects too.
/// </summary>
public class DefinitionSchemaTests
{
    private static List<string> Validate(string yaml) =>
        DefinitionSchema.Evaluate(JsonSerializer.SerializeToElement(YamlToJson.Convert(yaml))).Select(v => $"{v.Pointer} {v.Keyword}: {v.Message}").ToList();

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
        var errors = Validate(RepoFiles.Read(path));
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
        var errors = Validate(source);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("name: Test\n", "name: Test\ncolour: blue\n", "/colour ")]
    [InlineData("name: Test\n", "", " required:")]
    [InlineData("confidence: 0.5", "confidence: 1.5", "/classification/default/confidence maximum:")]
    [InlineData("risk: green", "risk: orange", "/classification/default/risk enum:")]
    [InlineData("timeout: PT4H", "timeout: 4 hours", "/routes/amber/tiers/0/timeout pattern:")]
    [InlineData("requiredApprovals: 1", "requiredApprovals: 0", "/routes/amber/tiers/0/requiredApprovals minimum:")]
    [InlineData("  green: { action: execute }\n", "", "/routes required:")]
    [InlineData("  blocked: { action: block }", "  blocked: { action: block, gateway: { mode: chat } }", "/routes/blocked then:")]
    [InlineData("when: { tool: t }", "when: { tool: t }, terms: [x]", "/classification/rules/0 oneOf:")]
    [InlineData("when: { tool: t }", "when: { arg: { path: amount, op: gt, value: lots } }", "/classification/rules/0/when/arg/value")]
    [InlineData("when: { tool: t }", "when: { arg: { path: amount, op: between, value: 1 } }", "/classification/rules/0/when/arg/op enum:")]
    [InlineData("when: { tool: t }", "when: { }", "/classification/rules/0/when minProperties:")]
    [InlineData("tiers: [{ group: officers, requiredApprovals: 2, timeout: P1D }]", "tiers: []", "/routes/red/tiers minItems:")]
    public void Invalid_documents_fail_the_schema(string find, string replace, string message)
    {
        var valid = RuleKit.Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"x\", when: { tool: t } }");
        Assert.Empty(Validate(valid));
        var broken = valid.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(valid, broken);

        var errors = Validate(broken);

        Assert.True(errors.Any(e => e.StartsWith(message.TrimStart(), StringComparison.Ordinal) || e.Contains(message, StringComparison.Ordinal)), string.Join("\n", errors));
        Assert.False(DefinitionParser.Parse(broken).IsValid, "the parser must reject what the schema rejects");
    }
}
