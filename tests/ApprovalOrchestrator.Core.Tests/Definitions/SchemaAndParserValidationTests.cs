using System.Diagnostics;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.Adversarial;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

/// <summary>What validate and publish check: the parser and the JSON Schema together, each problem reported once.</summary>
public class SchemaAndParserValidationTests
{
    private static readonly string Valid = RuleKit.Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"x\", when: { tool: t } }");

    [Fact]
    public void A_valid_definition_passes_both()
    {
        var result = DefinitionValidation.Validate(Valid);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(DefinitionParser.Parse(Valid).Hash, result.Hash);
    }

    [Theory]
    [InlineData("confidence: 0.5", "confidence: 1.5", "classification.default.confidence")]
    [InlineData("risk: green", "risk: orange", "classification.default.risk")]
    [InlineData("timeout: PT4H", "timeout: 4 hours", "routes.amber.tiers[0].timeout")]
    [InlineData("requiredApprovals: 1", "requiredApprovals: 0", "routes.amber.tiers[0].requiredApprovals")]
    public void A_problem_both_see_is_reported_once_in_the_parsers_words(string find, string replace, string path)
    {
        var broken = Valid.Replace(find, replace, StringComparison.Ordinal);
        var parserOnly = DefinitionParser.Parse(broken);

        var result = DefinitionValidation.Validate(broken);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path);
        // The schema saw it too (it fails there), yet nothing was added at, above or below that place.
        Assert.Contains(DefinitionSchema.Evaluate(System.Text.Json.JsonSerializer.SerializeToElement(YamlToJson.Convert(broken))),
            v => DefinitionValidation.ToPath(v.Pointer) == path);
        Assert.Equal(parserOnly.Errors, result.Errors);
    }

    [Fact]
    public void What_only_the_schema_rejects_is_reported_with_its_pointer_and_keyword()
    {
        // A quoted number: the parser reads the text, the schema (like an author's editor) wants a number.
        var source = Valid.Replace("confidence: 0.5", "confidence: \"0.5\"", StringComparison.Ordinal);
        Assert.True(DefinitionParser.Parse(source).IsValid);

        var result = DefinitionValidation.Validate(source);

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal("classification.default.confidence", error.Path);
        Assert.EndsWith("(schema 'type' at /classification/default/confidence)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_errors_carry_the_json_pointer_and_keyword_in_the_parsers_path_form() =>
        Assert.Equal("routes.amber.tiers[0].timeout", DefinitionValidation.ToPath("/routes/amber/tiers/0/timeout"));

    [Fact]
    public void Pointer_escapes_are_decoded() =>
        Assert.Equal("a/b.c~d", DefinitionValidation.ToPath("/a~1b/c~0d"));

    [Fact]
    public void A_yaml_bomb_is_refused_by_the_budget_before_the_schema_builds_a_tree()
    {
        var clock = Stopwatch.StartNew();
        var result = DefinitionValidation.Validate(InputBombTests.BillionLaughs());
        clock.Stop();

        Assert.True(result.IsRefused);
        Assert.Single(result.Errors);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Invalid_yaml_is_reported_once_by_the_parser_with_its_line()
    {
        var result = DefinitionValidation.Validate("id: t\nname: [unclosed\n");

        var error = Assert.Single(result.Errors);
        Assert.Contains("invalid YAML", error.Message, StringComparison.Ordinal);
    }
}
