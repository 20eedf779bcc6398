using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

public class DefinitionParserTests
{
    // Smallest valid definition; each test breaks one thing in it.
    private const string Valid = """
        id: t
        name: Test
        classification:
          default: { risk: green, category: low, confidence: 0.5, reason: "none" }
          rules:
            - { id: r1, risk: red, category: high, confidence: 0.9, reason: "bad", terms: [delete], route: blocked }
            - { id: a1, risk: amber, category: mid, confidence: 0.7, reason: "meh", terms: [email] }
        routes:
          green: { action: execute }
          amber:
            action: approve
            tiers:
              - { group: leads, requiredApprovals: 1, timeout: PT4H }
          red:
            action: approve
            tiers: [{ group: officers, requiredApprovals: 2, timeout: P1D }]
          blocked: { action: block }
        execution: { agentId: main, timeout: PT90S }
        """;

    [Fact]
    public void Valid_definition_parses()
    {
        var result = DefinitionParser.Parse(Valid);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        var d = result.Definition!;
        Assert.Equal("blocked", d.Classification.Rules[0].Route);
        Assert.Null(d.Classification.Rules[1].Route);
        Assert.Equal(TimeSpan.FromDays(1), d.RouteFor("red").Tiers[0].Timeout);
        Assert.Equal(ExpiryAction.Reject, d.RouteFor("amber").OnExpiry);
        Assert.Empty(d.RouteFor("green").Tiers);
        Assert.Equal("blocked", d.RouteFor("blocked").Name);
    }

    [Fact]
    public void Json_is_accepted()
    {
        const string json = """
            {"id":"j","name":"J","classification":{"default":{"risk":"green","category":"low","confidence":1,"reason":"ok"},"rules":[]},
             "routes":{"green":{"action":"execute"},"amber":{"action":"block"},"red":{"action":"block"}},
             "execution":{"agentId":"main","timeout":"PT1M"}}
            """;
        var result = DefinitionParser.Parse(json);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Empty(result.Definition!.Classification.Rules);
    }

    [Theory]
    [InlineData("name: Test", "name: Test\ncolour: blue", "colour")]
    [InlineData("agentId: main,", "agentId: main, retries: 3,", "execution.retries")]
    [InlineData("group: leads,", "group: leads, weight: 2,", "routes.amber.tiers[0].weight")]
    [InlineData("reason: \"none\" }", "reason: \"none\", extra: 1 }", "classification.default.extra")]
    [InlineData("terms: [email] }", "terms: [email], priority: 1 }", "classification.rules[1].priority")]
    public void Unknown_keys_are_reported_at_any_level(string find, string replace, string path) =>
        AssertSingleError(Valid.Replace(find, replace, StringComparison.Ordinal), path, "unknown key");

    [Theory]
    [InlineData("name: Test\n", "", "name")]
    [InlineData("execution: { agentId: main, timeout: PT90S }", "", "execution")]
    [InlineData("category: mid, ", "", "classification.rules[1].category")]
    [InlineData(", timeout: PT4H", "", "routes.amber.tiers[0].timeout")]
    [InlineData("group: leads, ", "", "routes.amber.tiers[0].group")]
    [InlineData("{ action: execute }", "{ }", "routes.green.action")]
    [InlineData(", terms: [email]", "", "classification.rules[1].terms")]
    [InlineData("reason: \"none\"", "reason: ~", "classification.default.reason")]
    public void Missing_required_fields_are_reported(string find, string replace, string path) =>
        AssertSingleError(Valid.Replace(find, replace, StringComparison.Ordinal), path, "required");

    [Theory]
    [InlineData("risk: amber", "risk: orange", "classification.rules[1].risk")]
    [InlineData("risk: green", "risk: Green", "classification.default.risk")]
    public void Unknown_risk_names_are_reported(string find, string replace, string path) =>
        AssertSingleError(Valid.Replace(find, replace, StringComparison.Ordinal), path, "unknown risk");

    [Fact]
    public void Unknown_route_action_is_reported() =>
        AssertSingleError(Valid.Replace("action: block", "action: ignore", StringComparison.Ordinal), "routes.blocked.action", "unknown route action");

    [Theory]
    [InlineData("4 hours", "ISO-8601")]
    [InlineData("PT0S", "longer than zero")]
    [InlineData("-PT1H", "longer than zero")]
    public void Timeouts_must_be_positive_iso_durations(string timeout, string message) =>
        AssertSingleError(Valid.Replace("PT4H", timeout, StringComparison.Ordinal), "routes.amber.tiers[0].timeout", message);

    [Fact]
    public void Execution_timeout_is_validated_too() =>
        AssertSingleError(Valid.Replace("PT90S", "90", StringComparison.Ordinal), "execution.timeout", "ISO-8601");

    [Theory]
    [InlineData("tiers: [{ group: officers, requiredApprovals: 2, timeout: P1D }]", "tiers: []")]
    [InlineData("tiers: [{ group: officers, requiredApprovals: 2, timeout: P1D }]", "onExpiry: reject")]
    public void Approve_route_needs_tiers(string find, string replace) =>
        AssertSingleError(Valid.Replace(find, replace, StringComparison.Ordinal), "routes.red.tiers", "at least one tier");

    [Fact]
    public void Tiers_on_a_non_approve_route_are_rejected() =>
        AssertSingleError(
            Valid.Replace("green: { action: execute }", "green: { action: execute, tiers: [{ group: g, requiredApprovals: 1, timeout: PT1H }] }", StringComparison.Ordinal),
            "routes.green.tiers",
            "only to approve routes");

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Required_approvals_must_be_at_least_one(string value) =>
        AssertSingleError(Valid.Replace("requiredApprovals: 2", $"requiredApprovals: {value}", StringComparison.Ordinal), "routes.red.tiers[0].requiredApprovals", "at least 1");

    [Fact]
    public void Required_approvals_must_be_a_whole_number() =>
        AssertSingleError(Valid.Replace("requiredApprovals: 2", "requiredApprovals: two", StringComparison.Ordinal), "routes.red.tiers[0].requiredApprovals", "whole number");

    [Theory]
    [InlineData(null, RejectPolicy.Any)]
    [InlineData("any", RejectPolicy.Any)]
    [InlineData("majority", RejectPolicy.Majority)]
    public void Reject_policy_defaults_to_any_and_reads_majority(string? value, RejectPolicy expected)
    {
        var source = value is null ? Valid : Valid.Replace("tiers: [{ group: officers", $"rejectPolicy: {value}\n    tiers: [{{ group: officers", StringComparison.Ordinal);
        var result = DefinitionParser.Parse(source);
        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Definition!.Routes["red"].RejectPolicy);
    }

    [Fact]
    public void Unknown_reject_policy_is_reported() =>
        AssertSingleError(Valid.Replace("tiers: [{ group: officers", "rejectPolicy: unanimous\n    tiers: [{ group: officers", StringComparison.Ordinal), "routes.red.rejectPolicy", "unknown reject policy 'unanimous'");

    [Fact]
    public void Duplicate_rule_ids_are_reported() =>
        AssertSingleError(Valid.Replace("id: a1", "id: r1", StringComparison.Ordinal), "classification.rules[1].id", "duplicate rule id 'r1'");

    [Fact]
    public void Empty_terms_list_is_reported() =>
        AssertSingleError(Valid.Replace("terms: [email]", "terms: []", StringComparison.Ordinal), "classification.rules[1].terms", "at least one term");

    [Fact]
    public void Term_without_words_is_reported() =>
        AssertSingleError(Valid.Replace("terms: [email]", "terms: [email, \"--\"]", StringComparison.Ordinal), "classification.rules[1].terms[1]", "no letters or digits");

    [Fact]
    public void Rule_route_must_exist() =>
        AssertSingleError(Valid.Replace("route: blocked", "route: quarantine", StringComparison.Ordinal), "classification.rules[0].route", "no route named 'quarantine'");

    [Theory]
    [InlineData("  green: { action: execute }\n", "routes.green")]
    [InlineData("  blocked: { action: block }\n", "classification.rules[0].route")] // rule route now dangles
    public void Every_risk_level_and_rule_route_needs_a_route(string removed, string path) =>
        AssertSingleError(Valid.Replace(removed, "", StringComparison.Ordinal), path, "route");

    [Theory]
    [InlineData("confidence: 0.9", "confidence: 1.5", "classification.rules[0].confidence", "outside 0..1")]
    [InlineData("confidence: 0.5", "confidence: -0.1", "classification.default.confidence", "outside 0..1")]
    [InlineData("confidence: 0.7", "confidence: high", "classification.rules[1].confidence", "not a number")]
    [InlineData("confidence: 0.7", "confidence: .nan", "classification.rules[1].confidence", "not a number")]
    public void Confidence_must_be_between_zero_and_one(string find, string replace, string path, string message) =>
        AssertSingleError(Valid.Replace(find, replace, StringComparison.Ordinal), path, message);

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var broken = Valid
            .Replace("name: Test\n", "", StringComparison.Ordinal)
            .Replace("risk: amber", "risk: orange", StringComparison.Ordinal)
            .Replace("PT4H", "PT0S", StringComparison.Ordinal)
            .Replace("requiredApprovals: 2", "requiredApprovals: 0", StringComparison.Ordinal)
            .Replace("agentId: main,", "agentId: main, extra: 1,", StringComparison.Ordinal);

        var result = DefinitionParser.Parse(broken);
        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        string[] expected = ["name", "classification.rules[1].risk", "routes.amber.tiers[0].timeout", "routes.red.tiers[0].requiredApprovals", "execution.extra"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("- just\n- a list\n")]
    [InlineData("id: [unclosed\n")]
    [InlineData("id: a\nid: b\n")]
    public void Malformed_documents_are_errors_not_exceptions(string source)
    {
        var result = DefinitionParser.Parse(source);
        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Errors);
    }

    private static void AssertSingleError(string source, string path, string messagePart)
    {
        var result = DefinitionParser.Parse(source);
        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }
}
