using System.Diagnostics;
using System.Text;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using static ApprovalOrchestrator.Core.Tests.TestSupport.RuleKit;

namespace ApprovalOrchestrator.Core.Tests.Adversarial;

/// <summary>
/// Attacks on the definition parser: small sources that stand for huge or deep trees. Each is refused quickly with an error
/// naming the path where the budget ran out; nothing is walked node by node.
/// </summary>
public class InputBombTests
{
    /// <summary>The classic "billion laughs": nine levels of ten aliases each, about 10^9 nodes from under 1 KB.</summary>
    public static string BillionLaughs(string wrap = "")
    {
        var sb = new StringBuilder("id: t\nname: bomb\nlol0: &l0 [lol]\n");
        for (var i = 1; i <= 9; i++)
        {
            sb.Append($"lol{i}: &l{i} [{string.Join(",", Enumerable.Repeat($"*l{i - 1}", 10))}]\n");
        }

        return sb.Append(wrap).ToString();
    }

    [Fact]
    public void Billion_laughs_is_refused_at_the_alias_that_breaks_the_budget()
    {
        var source = BillionLaughs();
        Assert.True(Encoding.UTF8.GetByteCount(source) < 1024);
        var clock = Stopwatch.StartNew();
        var result = DefinitionParser.Parse(source);
        clock.Stop();

        Assert.True(result.IsRefused);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("lol", error.Path, StringComparison.Ordinal);
        Assert.Contains("[", error.Path, StringComparison.Ordinal);
        Assert.Contains($"larger than {YamlBudget.MaxExpandedNodes} nodes", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Aliases_nested_inside_the_rules_are_refused_with_the_rule_path()
    {
        var lols = new StringBuilder();
        lols.Append("x-lol0: &a0 { terms: [lol] }\n");
        var source = Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"b\", when: { any: [" + string.Join(",", Enumerable.Repeat("*a9", 10)) + "] } }");
        var prefix = new StringBuilder("x0: &a0 [lol]\n");
        for (var i = 1; i <= 9; i++)
        {
            prefix.Append($"x{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        var result = DefinitionParser.Parse(prefix + source);
        Assert.Contains(result.Errors, e => e.Message.Contains("nodes once aliases are expanded", StringComparison.Ordinal));
    }

    [Fact]
    public void Aliases_within_the_budget_still_work()
    {
        Assert.False(DefinitionParser.Parse("id: t\nname: n\n").IsRefused); // an ordinary error is not a refusal
        // Authors reuse a tier list with an anchor: that must keep working.
        var source = Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"b\", terms: [x] }")
            .Replace("tiers: [{ group: officers, requiredApprovals: 2, timeout: P1D }]", "tiers: &officers [{ group: officers, requiredApprovals: 2, timeout: P1D }]", StringComparison.Ordinal)
            .Replace("blocked: { action: block }", "blocked: { action: block }\n  red2: { action: approve, tiers: *officers }", StringComparison.Ordinal);
        var result = DefinitionParser.Parse(source);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("officers", result.Definition!.Routes["red2"].Tiers[0].Group);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(100_000)]
    public void Deep_yaml_flow_nesting_is_refused_with_its_path(int depth)
    {
        var source = "id: t\nname: deep\nclassification: " + new string('[', depth) + new string(']', depth) + "\n";
        var clock = Stopwatch.StartNew();
        var result = DefinitionParser.Parse(source);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("classification[0][0][0]", error.Path, StringComparison.Ordinal);
        Assert.Contains($"deeper than {YamlBudget.MaxDepth} levels", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200_000)]
    public void Deep_json_nesting_is_refused_with_its_path(int depth)
    {
        var source = "{\"id\":\"t\",\"name\":\"deep\",\"classification\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}";
        var result = DefinitionParser.Parse(source);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("classification.a.a.a", error.Path, StringComparison.Ordinal);
        Assert.Contains("deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_that_expands_past_the_depth_limit_is_refused()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var source = $"id: t\nname: deep\nx: &d {deep}\ny: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*d]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n";
        var result = DefinitionParser.Parse(source);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("y[0]", error.Path, StringComparison.Ordinal);
        Assert.Contains("alias *d", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(50)]
    public void Not_nested_past_the_condition_limit_is_refused_with_its_path(int depth)
    {
        var when = string.Concat(Enumerable.Repeat("{ not: ", depth)) + "{ terms: [x] }" + new string('}', depth).Replace("}", " }", StringComparison.Ordinal);
        var result = DefinitionParser.Parse(Source($"    - {{ id: r, risk: red, category: c, confidence: 0.9, reason: \"b\", when: {when} }}"));
        Assert.True(result.IsRefused);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("classification.rules[0].when" + string.Concat(Enumerable.Repeat(".not", ConditionReader.MaxDepth)), error.Path, StringComparison.Ordinal);
        Assert.Contains($"deeper than {ConditionReader.MaxDepth} levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_and_any_nesting_counts_toward_the_condition_limit()
    {
        // 2 all + 2 any + 29 not = 33 condition levels, in 41 YAML levels (under the YAML limit).
        var when = string.Concat(Enumerable.Repeat("{ all: [ { any: [ ", 2)) + string.Concat(Enumerable.Repeat("{ not: ", 29)) + "{ terms: [x] }"
            + string.Concat(Enumerable.Repeat(" }", 29)) + string.Concat(Enumerable.Repeat(" ] } ] }", 2));
        var result = DefinitionParser.Parse(Source($"    - {{ id: r, risk: red, category: c, confidence: 0.9, reason: \"b\", when: {when} }}"));
        var error = Assert.Single(result.Errors);
        Assert.Contains("all/any/not", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("classification.rules[0].when.all[0].any[0].all[0].any[0].not.not", error.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Conditions_at_the_limit_are_accepted()
    {
        var depth = ConditionReader.MaxDepth - 1;
        var when = string.Concat(Enumerable.Repeat("{ not: ", depth)) + "{ terms: [x] }" + string.Concat(Enumerable.Repeat(" }", depth));
        Assert.True(DefinitionParser.Parse(Source($"    - {{ id: r, risk: red, category: c, confidence: 0.9, reason: \"b\", when: {when} }}")).IsValid);
    }

    [Fact]
    public void A_recursive_alias_is_refused()
    {
        var result = DefinitionParser.Parse("id: t\nname: r\nx: &a [1, *a]\n");
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Many_identical_rules_are_linted_in_linear_time()
    {
        var rules = string.Join("\n", Enumerable.Range(0, 5000).Select(i => $"    - {{ id: r{i}, risk: red, category: c, confidence: 0.9, reason: \"b\", terms: [x] }}"));
        var clock = Stopwatch.StartNew();
        var result = DefinitionParser.Parse(Source(rules));
        Assert.True(result.IsValid);
        Assert.Equal(4999, result.Warnings.Count(w => w.Message.Contains("can never decide", StringComparison.Ordinal)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void The_reference_workflow_is_well_within_the_budget() =>
        Assert.Null(YamlBudget.Check(RepoFiles.Read(ReferencePolicy.Path)));
}
