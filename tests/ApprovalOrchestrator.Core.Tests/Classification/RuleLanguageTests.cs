using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Rules;
using static ApprovalOrchestrator.Core.Tests.TestSupport.RuleKit;

namespace ApprovalOrchestrator.Core.Tests.Classification;

/// <summary>Each operator of the rule language, alone and combined.</summary>
public class RuleLanguageTests
{
    private const string SlowPattern = "^(?!z)[ad-z]*[ad-y]*[ad-x]*[ad-w]*[ad-v]*c";

    private static readonly string SlowInput = new string('a', 3000) + "bc";

    [Fact]
    public void Terms_inside_when_match_whole_words_and_inflections()
    {
        Assert.True(Matches("{ terms: [delete] }", Input("It deleted the file")));
        Assert.False(Matches("{ terms: [delete] }", Input("Deletion policy review")));
    }

    [Fact]
    public void Regex_matches_the_normalised_text_case_insensitively()
    {
        Assert.True(Matches("{ regex: \"iban\\\\s*[a-z]{2}[0-9]{2}\" }", Input("Pay to IBAN DE89 3704")));
        Assert.True(Matches("{ regex: \"rm\\\\s+-rf\" }", Input("x", tool: "shell", args: """{"cmd":"rm  -rf /"}""")));
        Assert.False(Matches("{ regex: \"^drop table\" }", Input("please drop table users")));
    }

    [Fact]
    public void Regex_evidence_names_the_field_not_the_matched_text()
    {
        var result = Classify(OneRule("{ regex: \"[0-9]{16}\" }"), Input("card 4111111111111111"));
        Assert.Equal(["regex /[0-9]{16}/ matched the text"], result.Matches[0].Details);
        Assert.DoesNotContain("4111", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ agent: [ops-bot, finance-bot] }", "finance-bot", true)]
    [InlineData("{ agent: ops-bot }", "OPS-BOT", true)]
    [InlineData("{ agent: [ops-bot] }", "main", false)]
    public void Agent_condition(string when, string agent, bool expected) =>
        Assert.Equal(expected, Matches(when, Input(agent: agent)));

    [Fact]
    public void Tool_and_action_conditions()
    {
        Assert.True(Matches("{ tool: [payments] }", Input(tool: "Payments")));
        Assert.False(Matches("{ tool: [payments] }", Input()));
        Assert.True(Matches("{ action: [refund, charge] }", Input(tool: "payments", action: "charge")));
        Assert.False(Matches("{ action: [refund] }", Input(tool: "payments", action: "charge")));
    }

    [Fact]
    public void Requester_group_condition_uses_the_groups_in_the_input()
    {
        Assert.True(Matches("{ requesterGroup: [contractors] }", Input(groups: ["staff", "contractors"])));
        Assert.False(Matches("{ requesterGroup: [contractors] }", Input(groups: ["staff"])));
        Assert.False(Matches("{ requesterGroup: [contractors] }", Input()));
    }

    [Theory]
    [InlineData("gt", "10000", """{"amount": 10001}""", true)]
    [InlineData("gt", "10000", """{"amount": 10000}""", false)]
    [InlineData("gte", "10000", """{"amount": 10000}""", true)]
    [InlineData("lt", "0", """{"amount": -5}""", true)]
    [InlineData("lte", "0", """{"amount": 0.5}""", false)]
    [InlineData("eq", "1e4", """{"amount": 10000}""", true)]
    [InlineData("eq", "EUR", """{"amount": "eur"}""", true)]
    [InlineData("ne", "EUR", """{"amount": "usd"}""", true)]
    [InlineData("ne", "EUR", """{"other": "usd"}""", false)]
    [InlineData("contains", "prod", """{"amount": "db-PROD-1"}""", true)]
    [InlineData("contains", "prod", """{"amount": ["dev", "prod"]}""", true)]
    [InlineData("contains", "prod", """{"amount": ["dev", "production"]}""", false)]
    [InlineData("matches", "\"^db-(prod|live)-[0-9]+$\"", """{"amount": "db-live-7"}""", true)]
    [InlineData("matches", "\"^db-(prod|live)-[0-9]+$\"", """{"amount": "db-test-7"}""", false)]
    public void Arg_operators(string op, string value, string args, bool expected) =>
        Assert.Equal(expected, Matches($"{{ arg: {{ path: amount, op: {op}, value: {value} }} }}", Input(args: args)));

    [Fact]
    public void Arg_in_accepts_a_list()
    {
        Assert.True(Matches("{ arg: { path: currency, op: in, value: [USD, GBP] } }", Input(args: """{"currency":"gbp"}""")));
        Assert.False(Matches("{ arg: { path: currency, op: in, value: [USD, GBP] } }", Input(args: """{"currency":"eur"}""")));
    }

    [Fact]
    public void Arg_numbers_in_strings_and_other_spellings_cannot_dodge_a_rule()
    {
        const string when = "{ arg: { path: payment.amount, op: gt, value: 10000 } }";
        Assert.True(Matches(when, Input(args: """{"payment":{"amount":"25000"}}""")));
        Assert.True(Matches(when, Input(args: """{"Payment":{"AMOUNT":25000}}""")));
        Assert.True(Matches(when, Input(args: """{"payment":[{"amount":5},{"amount":25000}]}""")));
        // Not a number: the comparison cannot be decided, so the rule counts (fail closed).
        Assert.True(Matches(when, Input(args: """{"payment":{"amount":"lots"}}""")));
        Assert.False(Matches(when, Input(args: """{"amount":25000}""")));
        Assert.False(Matches(when, Input()));
    }

    [Fact]
    public void Arg_paths_index_arrays()
    {
        Assert.True(Matches("{ arg: { path: \"items[1].sku\", op: eq, value: X-9 } }", Input(args: """{"items":[{"sku":"a"},{"sku":"x-9"}]}""")));
        Assert.False(Matches("{ arg: { path: \"items[0].sku\", op: eq, value: X-9 } }", Input(args: """{"items":[{"sku":"a"},{"sku":"x-9"}]}""")));
    }

    [Fact]
    public void Arg_evidence_shows_the_value_and_the_comparison()
    {
        var result = Classify(OneRule("{ arg: { path: amount, op: gt, value: 10000 } }"), Input(args: """{"amount":25000}"""));
        Assert.Equal(["args.amount = 25000 (args.amount > 10000)"], result.Matches[0].Details);
        Assert.Equal("because (matched: args.amount = 25000 (args.amount > 10000)).", result.Reason);
    }

    [Fact]
    public void All_any_not_combine()
    {
        const string when = "{ all: [ { tool: [payments] }, { any: [ { arg: { path: amount, op: gt, value: 10000 } }, { terms: [offshore] } ] }, { not: { requesterGroup: [treasury] } } ] }";
        Assert.True(Matches(when, Input(tool: "payments", args: """{"amount":20000}""")));
        Assert.True(Matches(when, Input("send it offshore", tool: "payments", args: """{"amount":5}""")));
        Assert.False(Matches(when, Input(tool: "payments", args: """{"amount":5}""")));
        Assert.False(Matches(when, Input(tool: "payments", args: """{"amount":20000}""", groups: ["treasury"])));
        Assert.False(Matches(when, Input(tool: "mailer", args: """{"amount":20000}""")));
    }

    [Fact]
    public void Several_keys_in_one_condition_must_all_hold()
    {
        Assert.True(Matches("{ tool: payments, action: charge }", Input(tool: "payments", action: "charge")));
        Assert.False(Matches("{ tool: payments, action: charge }", Input(tool: "payments", action: "refund")));
    }

    [Fact]
    public void Evidence_keeps_only_branches_that_held()
    {
        var definition = OneRule("{ any: [ { all: [ { terms: [invoice] }, { tool: [mailer] } ] }, { terms: [bank] } ] }");
        var result = Classify(definition, Input("bank invoice", tool: "payments"));
        Assert.Equal(["bank"], result.Matches[0].Terms);
        Assert.Null(result.Matches[0].Details);
    }

    [Fact]
    public void Not_records_its_own_description()
    {
        var result = Classify(OneRule("{ not: { agent: [main] } }"), Input(agent: "ops"));
        Assert.Equal(["not(agent in [main])"], result.Matches[0].Details);
    }

    [Fact]
    public void Highest_risk_first_match_wins_and_every_match_is_listed()
    {
        var definition = Valid(Source("""
                - { id: big, risk: amber, category: money, confidence: 0.8, reason: "big", when: { arg: { path: amount, op: gt, value: 1000 } } }
                - { id: huge, risk: red, category: money, confidence: 0.9, reason: "huge", when: { arg: { path: amount, op: gt, value: 10000 } }, route: blocked }
                - { id: pay, risk: red, category: money, confidence: 0.7, reason: "pay", when: { tool: payments } }
                - { id: word, risk: amber, category: words, confidence: 0.6, reason: "w", terms: [invoice] }
            """));
        var result = Classify(definition, Input("invoice", tool: "payments", args: """{"amount":50000}"""));
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Equal("blocked", result.Route);
        // The undeclared tool is listed after the winner: the red block already is stricter than its amber route.
        Assert.Equal(["huge", "deny-by-default/tool", "big", "pay", "word"], result.MatchedRuleIds);
        Assert.Equal(["invoice"], result.MatchedTerms);
    }

    [Fact]
    public void Terms_shorthand_still_means_any_term()
    {
        var rule = ReferencePolicyRule("red-high-impact");
        Assert.Null(rule.When);
        var condition = Assert.IsType<TermsCondition>(rule.Condition);
        Assert.Contains("payroll", condition.Terms);
    }

    [Fact]
    public void Regex_timeout_counts_as_a_match_and_is_a_warning()
    {
        // A lookahead forces the backtracking engine; stacked overlapping loops make it polynomial (no nesting, so it passes
        // validation), and the 'b' before the final 'c' makes every split fail.
        const string pattern = SlowPattern;
        Assert.Null(RuleRegex.Problem(pattern));
        var definition = Valid(Source($"    - {{ id: slow, risk: red, category: c, confidence: 0.9, reason: \"slow\", when: {{ regex: \"{pattern}\" }} }}"));
        var input = Input(SlowInput);

        var result = new Classifier(definition, TimeSpan.FromMilliseconds(20)).Classify(input, Ref);

        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Equal(["slow"], result.MatchedRuleIds);
        Assert.Contains(result.Warnings!, w => w.Contains("rule 'slow'", StringComparison.Ordinal) && w.Contains("timed out", StringComparison.Ordinal));
        Assert.Contains(result.Warnings!, w => w.Contains("counted as matching (fail closed)", StringComparison.Ordinal));
    }

    [Fact]
    public void Arg_matches_timeout_counts_as_a_match_too()
    {
        var definition = OneRule($"{{ arg: {{ path: q, op: matches, value: \"{SlowPattern}\" }} }}");
        var result = new Classifier(definition, TimeSpan.FromMilliseconds(20)).Classify(Input(args: $$"""{"q":"{{SlowInput}}"}"""), Ref);
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Contains(result.Warnings!, w => w.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public void Linear_regexes_do_not_time_out_on_hostile_input()
    {
        // (a|aa)*c would be exponential with backtracking; the non-backtracking engine answers in linear time.
        var definition = OneRule("{ regex: \"^(a|aa)*c$\" }");
        var result = new Classifier(definition, TimeSpan.FromMilliseconds(50)).Classify(Input(new string('a', 20000)), Ref);
        Assert.Empty(result.Matches);
        Assert.Null(result.Warnings);
    }

    private static ClassificationRule ReferencePolicyRule(string id) =>
        TestSupport.ReferencePolicy.Definition.Classification.Rules.Single(r => r.Id == id);
}
