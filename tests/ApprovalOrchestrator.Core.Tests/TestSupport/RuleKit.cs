using System.Text.Json;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Tests.TestSupport;

/// <summary>Builds small definitions around a YAML rules list, for rule-language and validation tests.</summary>
internal static class RuleKit
{
    public static readonly DefinitionRef Ref = new("t", 1, "sha256:test");

    /// <summary>A complete definition whose <c>classification.rules</c> is <paramref name="rulesYaml"/> (indented by the caller as list items at column 4).</summary>
    public static string Source(string rulesYaml, string routesExtra = "") => $"""
        id: t
        name: Test
        classification:
          default: {"{"} risk: green, category: low, confidence: 0.5, reason: "none" {"}"}
          rules:
        {rulesYaml}
        routes:
          green: {"{"} action: execute {"}"}
          amber:
            action: approve
            tiers:
              - {"{"} group: leads, requiredApprovals: 1, timeout: PT4H {"}"}
          red:
            action: approve
            tiers: [{"{"} group: officers, requiredApprovals: 2, timeout: P1D {"}"}]
          blocked: {"{"} action: block {"}"}
        {routesExtra}
        execution: {"{"} agentId: main, timeout: PT90S {"}"}
        """;

    /// <summary>One red rule <c>r</c> with the given <c>when</c> (flow-style YAML).</summary>
    public static WorkflowDefinition OneRule(string when) =>
        Valid(Source($"    - {{ id: r, risk: red, category: c, confidence: 0.9, reason: \"because\", when: {when} }}"));

    public static WorkflowDefinition Valid(string source)
    {
        var result = DefinitionParser.Parse(source);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        return result.Definition!;
    }

    public static PolicyInput Input(
        string text = "hello",
        string agent = "main",
        string? tool = null,
        string? action = null,
        string? args = null,
        string[]? groups = null) =>
        new(text, "alice", agent, tool, action, args is null ? null : JsonDocument.Parse(args).RootElement.Clone(), groups);

    public static ClassificationResult Classify(WorkflowDefinition definition, PolicyInput input) =>
        new Classifier(definition).Classify(input, Ref);

    /// <summary>Whether rule <c>r</c> holds (the deny-by-default matches for the undeclared test tools are not the rule's).</summary>
    public static bool Matches(string when, PolicyInput input) => Classify(OneRule(when), input).Matches.Any(m => m.RuleId == "r");
}
