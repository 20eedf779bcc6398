using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Rules;
using static ApprovalOrchestrator.Core.Tests.TestSupport.RuleKit;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

/// <summary>Validation of the rule language, groups and gateway options: each error class with its path; warnings apart.</summary>
public class DefinitionValidationTests
{
    private static string Rule(string when, string id = "r", string risk = "red") =>
        $"    - {{ id: {id}, risk: {risk}, category: c, confidence: 0.9, reason: \"x\", when: {when} }}";

    [Theory]
    [InlineData("{ colour: blue }", "classification.rules[0].when.colour", "unknown key")]
    [InlineData("{ all: [ { tool: x, size: 1 } ] }", "classification.rules[0].when.all[0].size", "unknown key")]
    [InlineData("{ arg: { path: amount, op: gt, value: 1, unit: eur } }", "classification.rules[0].when.arg.unit", "unknown key")]
    [InlineData("{ }", "classification.rules[0].when", "needs a condition")]
    [InlineData("{ tool: [] }", "classification.rules[0].when.tool", "at least one value")]
    [InlineData("{ any: [ { terms: [] } ] }", "classification.rules[0].when.any[0].terms", "at least one term")]
    [InlineData("{ not: [ { tool: x } ] }", "classification.rules[0].when.not", "expected a mapping")]
    [InlineData("{ arg: { path: amount, op: between, value: 1 } }", "classification.rules[0].when.arg.op", "unknown operator")]
    [InlineData("{ arg: { path: amount, op: gt, value: lots } }", "classification.rules[0].when.arg.value", "needs a number")]
    [InlineData("{ arg: { path: amount, op: eq, value: [1, 2] } }", "classification.rules[0].when.arg.value", "one value")]
    [InlineData("{ arg: { path: \"a..b\", op: eq, value: 1 } }", "classification.rules[0].when.arg.path", "not an argument path")]
    [InlineData("{ arg: { path: amount, op: gt } }", "classification.rules[0].when.arg.value", "required")]
    [InlineData("{ regex: \"(unclosed\" }", "classification.rules[0].when.regex", "invalid regular expression")]
    [InlineData("{ arg: { path: s, op: matches, value: \"[z-a]\" } }", "classification.rules[0].when.arg.value", "invalid regular expression")]
    public void Rule_language_errors_have_paths(string when, string path, string message) =>
        AssertSingleError(Source(Rule(when)), path, message);

    [Fact]
    public void Terms_and_when_together_are_an_error() =>
        AssertSingleError(
            Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"x\", terms: [a], when: { tool: t } }"),
            "classification.rules[0].when",
            "either 'terms' or 'when'");

    [Theory]
    [InlineData("(a+)+b")]
    [InlineData("(?=x)(\\w*y)*")]
    [InlineData("(\\d{2,})+(?<=1)")]
    public void Catastrophic_regexes_are_rejected(string pattern)
    {
        Assert.True(RuleRegex.HasNestedQuantifier(pattern));
        var needsBacktracking = RuleRegex.NeedsBacktracking(pattern);
        var result = DefinitionParser.Parse(Source(Rule($"{{ regex: \"{pattern.Replace("\\", "\\\\", StringComparison.Ordinal)}\" }}")));
        if (needsBacktracking)
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal("classification.rules[0].when.regex", error.Path);
            Assert.Contains("catastrophic", error.Message, StringComparison.Ordinal);
        }
        else
        {
            // The non-backtracking engine runs even a nested pattern in linear time: nothing to reject.
            Assert.True(result.IsValid, string.Join("\n", result.Errors));
        }
    }

    [Fact]
    public void Nested_quantifier_with_a_backreference_is_rejected() =>
        AssertSingleError(Source(Rule("{ regex: \"(\\\\w)(\\\\1+)*x\" }")), "classification.rules[0].when.regex", "catastrophic");

    [Theory]
    [InlineData("a+b+", false)]
    [InlineData("(ab)+", false)]
    [InlineData("(a?)+", false)]
    [InlineData("(a+)+", true)]
    [InlineData("(?:x[a-z]*)*", true)]
    [InlineData("((a)+b)*", true)]
    [InlineData("(a{2,5})+", true)]
    [InlineData("(a{1})+", false)]
    [InlineData("[(+]+", false)]
    [InlineData("\\(a+\\)+", false)]
    public void Nested_quantifier_scan(string pattern, bool nested) =>
        Assert.Equal(nested, RuleRegex.HasNestedQuantifier(pattern));

    [Fact]
    public void Unknown_groups_are_reported_against_the_directory()
    {
        var source = Source(Rule("{ requesterGroup: [interns, staff] }"));
        var result = DefinitionParser.Parse(source, knownGroups: new HashSet<string> { "leads", "staff" });
        Assert.Equal(
            ["classification.rules[0].when.requesterGroup[0]: unknown group 'interns'", "routes.red.tiers[0].group: unknown group 'officers'"],
            result.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.True(DefinitionParser.Parse(source).IsValid, "without a directory, groups are not checked");
    }

    [Fact]
    public void Required_approvals_cannot_exceed_the_group_size()
    {
        var source = Source(Rule("{ tool: t }"));
        var result = DefinitionParser.Parse(source, groupSizes: new Dictionary<string, int> { ["officers"] = 1, ["leads"] = 5 });
        var error = Assert.Single(result.Errors);
        Assert.Equal("routes.red.tiers[0].requiredApprovals", error.Path);
        Assert.Contains("group 'officers' has only 1 member", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_options_parse()
    {
        var definition = Valid(Source(Rule("{ tool: t }")).Replace(
            "  green: { action: execute }",
            "  green: { action: execute, gateway: { agentId: fast, mode: chat, timeout: PT10S } }",
            StringComparison.Ordinal));
        Assert.Equal(new RouteGateway("fast", GatewayMode.Chat, TimeSpan.FromSeconds(10)), definition.RouteFor("green").Gateway);
        Assert.Null(definition.RouteFor("amber").Gateway);
    }

    [Theory]
    [InlineData("  green: { action: execute, gateway: { mode: shell } }", "routes.green.gateway.mode", "unknown gateway mode")]
    [InlineData("  green: { action: execute, gateway: { timeout: PT0S } }", "routes.green.gateway.timeout", "longer than zero")]
    [InlineData("  green: { action: execute, gateway: { retries: 2 } }", "routes.green.gateway.retries", "unknown key")]
    [InlineData("  blocked: { action: block }", "routes.blocked.gateway", "never calls the Gateway")]
    public void Gateway_options_are_validated(string find, string path, string message)
    {
        var replace = find.Contains("block", StringComparison.Ordinal) ? "  blocked: { action: block, gateway: { agentId: x } }" : find;
        var source = Source(Rule("{ tool: t }"));
        source = find.Contains("block", StringComparison.Ordinal)
            ? source.Replace(find, replace, StringComparison.Ordinal)
            : source.Replace("  green: { action: execute }", find, StringComparison.Ordinal);
        AssertSingleError(source, path, message);
    }

    [Fact]
    public void Every_error_class_is_reported_at_once()
    {
        var source = Source(
            Rule("{ regex: \"(x\" }") + "\n" + Rule("{ tool: t }") + "\n" + Rule("{ arg: { path: a, op: gt, value: x } }", id: "other"),
            routesExtra: "  spare: { action: approve, tiers: [] }")
            .Replace("PT4H", "-PT1M", StringComparison.Ordinal)
            .Replace("  red:\n", "  crimson:\n", StringComparison.Ordinal);
        var result = DefinitionParser.Parse(source, new HashSet<string> { "officers" });
        Assert.Equal(
            [
                "classification.rules[0].when.regex",
                "classification.rules[1].id",
                "classification.rules[2].when.arg.value",
                "routes.amber.tiers[0].group",
                "routes.amber.tiers[0].timeout",
                "routes.red",
                "routes.spare.tiers",
            ],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Term_under_two_risks_is_a_warning_not_an_error()
    {
        var result = DefinitionParser.Parse(Source("""
                - { id: a, risk: red, category: c, confidence: 0.9, reason: "x", terms: [bank, "API  key"] }
                - { id: b, risk: amber, category: c, confidence: 0.9, reason: "x", when: { any: [ { terms: [email, api key] } ] } }
                - { id: c, risk: red, category: c, confidence: 0.9, reason: "x", when: { not: { terms: [bank] } } }
            """));
        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("classification.rules[1].when.any[0].terms[1]", warning.Path);
        Assert.Contains("also appears under risk red (classification.rules[0].terms[1])", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ any: [] }", "classification.rules[0].when.any", "empty 'any'")]
    [InlineData("{ all: [ { arg: { path: amount, op: gt, value: 100 } }, { arg: { path: Amount, op: lt, value: 50 } } ] }", "classification.rules[0].when.all", "no number satisfies")]
    [InlineData("{ arg: { path: amount, op: gte, value: 10 }, all: [ { arg: { path: amount, op: lt, value: 10 } } ] }", "", "")]
    [InlineData("{ all: [ { arg: { path: n, op: eq, value: 1 } }, { arg: { path: n, op: eq, value: 2 } } ] }", "classification.rules[0].when.all", "no number satisfies")]
    [InlineData("{ all: [ { arg: { path: n, op: gte, value: 5 } }, { arg: { path: n, op: lt, value: 5 } } ] }", "classification.rules[0].when.all", "no number satisfies")]
    [InlineData("{ not: { all: [] } }", "classification.rules[0].when.not", "never holds")]
    public void Never_matching_conditions_are_warnings(string when, string path, string message)
    {
        var result = DefinitionParser.Parse(Source(Rule(when)));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        if (path.Length == 0)
        {
            // Bounds in different branches are not compared: the check is deliberately simple.
            Assert.Empty(result.Warnings);
            return;
        }

        var warning = Assert.Single(result.Warnings);
        Assert.Equal(path, warning.Path);
        Assert.Contains(message, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consistent_ranges_are_not_warned_about()
    {
        var result = DefinitionParser.Parse(Source(Rule("{ all: [ { arg: { path: n, op: gte, value: 5 } }, { arg: { path: n, op: lte, value: 5 } } ] }")));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Rule_shadowed_by_an_earlier_identical_condition_is_a_warning()
    {
        var result = DefinitionParser.Parse(Source(
            Rule("{ tool: [payments] }", id: "first", risk: "red") + "\n"
            + Rule("{ tool: [payments] }", id: "second", risk: "amber") + "\n"
            + Rule("{ tool: [mailer] }", id: "third", risk: "amber") + "\n"
            + Rule("{ tool: [mailer] }", id: "fourth", risk: "red")));
        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("classification.rules[1]", warning.Path);
        Assert.Contains("rule 'second' can never decide: rule 'first'", warning.Message, StringComparison.Ordinal);
    }

    private static void AssertSingleError(string source, string path, string messagePart)
    {
        var result = DefinitionParser.Parse(source);
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }
}
