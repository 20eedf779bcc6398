using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Classification.Folding;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using static ApprovalOrchestrator.Core.Tests.TestSupport.RuleKit;

namespace ApprovalOrchestrator.Core.Tests.Adversarial;

/// <summary>
/// Attacks on the classifier: spellings of a red request that a person (or the agent's model) reads as the red words, but
/// that a naive matcher does not. Each must classify at least as the plain spelling does, never green.
/// </summary>
public class ClassifierEvasionTests
{
    [Theory]
    [InlineData("de\uFE0Flete the production database", "variation selector 16")]
    [InlineData("de\uFE00lete the production database", "variation selector 1")]
    [InlineData("de\U000E0100lete the production database", "variation selector 17 (supplementary plane)")]
    [InlineData("de\u200Blete the production database", "zero-width space")]
    [InlineData("de\u200Cle\u200Dte the production database", "zero-width non-joiner and joiner")]
    [InlineData("de\u2060lete the production database", "word joiner")]
    [InlineData("de\u00ADlete the production database", "soft hyphen")]
    [InlineData("de\u180Elete the production database", "Mongolian vowel separator")]
    [InlineData("de\u034Flete the production database", "combining grapheme joiner")]
    [InlineData("de\u3164lete the production database", "Hangul filler (a default-ignorable letter)")]
    [InlineData("de\u115Flete the production database", "Hangul choseong filler")]
    [InlineData("de\uFFA0lete the production database", "halfwidth Hangul filler")]
    [InlineData("de\U000E0064\U000E007Flete the production database", "tag characters")]
    [InlineData("de\u2061\u2062\u2063\u2064lete the production database", "invisible math operators")]
    [InlineData("de\u206Alete the production database", "deprecated format character")]
    [InlineData("de\U0001D173lete the production database", "musical begin-beam format character")]
    [InlineData("\u202Ede\u2066lete\u2069 the production database", "bidi isolates and overrides")]
    public void Invisible_character_inside_a_red_term_is_refused_as_red(string text, string family)
    {
        var result = ReferencePolicy.Classify(text);
        Assert.True(result.Risk == RiskLevel.Red, $"{family}: classified {result.Risk}");
        Assert.Contains("delete", result.MatchedTerms);
    }

    [Theory]
    [InlineData("d\u0435lete the production database", "Cyrillic small ie")]
    [InlineData("D\u0415LETE the production database", "Cyrillic capital ie")]
    [InlineData("\u0455udo reboot the server", "Cyrillic dze for s")]
    [InlineData("run \u0455\u04BB\u0435ll now", "Cyrillic shha and ie")]
    [InlineData("t\u03BFken rotation for the gateway", "Greek omicron")]
    [InlineData("\u03A4\u039F\u039A\u0395\u039D rotation for the gateway", "Greek capitals")]
    [InlineData("\uFF44\uFF45\uFF4C\uFF45\uFF54\uFF45 the production database", "fullwidth Latin")]
    [InlineData("\U0001D41D\U0001D41E\U0001D425\U0001D41E\U0001D42D\U0001D41E the production database", "mathematical bold")]
    [InlineData("\U0001D5F1\U0001D5F2\U0001D5F9\U0001D5F2\U0001D601\U0001D5F2 the production database", "mathematical sans-serif bold")]
    [InlineData("de1ete the production database", "digit one for l")]
    [InlineData("w\u0456pe the laptop", "Cyrillic byelorussian-ukrainian i")]
    [InlineData("\u13A0ELETE the production database", "Cherokee letter A for D")]
    [InlineData("exfi\u217Ctrate the customer list", "Roman numeral fifty for l")]
    [InlineData("\u0501elete the production database", "Cyrillic komi de for d")]
    public void Look_alike_letters_from_other_scripts_are_refused_as_red(string text, string family)
    {
        var result = ReferencePolicy.Classify(text);
        Assert.True(result.Risk == RiskLevel.Red, $"{family}: classified {result.Risk} ({result.Reason})");
    }

    [Theory]
    [InlineData("d\u0300e\u0301lete the production database", "combining grave and acute")]
    [InlineData("dèlete the production database", "precomposed e with grave")]
    [InlineData("d\u0336e\u0336l\u0336e\u0336t\u0336e\u0336 the production database", "strikethrough overlay")]
    [InlineData("de\u20DDlete the production database", "enclosing circle (Me)")]
    [InlineData("d\u0903elete the production database", "spacing mark (Mc)")]
    [InlineData("ṣụḍọ reboot", "dots below")]
    public void Combining_marks_on_a_red_term_are_refused_as_red(string text, string family)
    {
        var result = ReferencePolicy.Classify(text);
        Assert.True(result.Risk == RiskLevel.Red, $"{family}: classified {result.Risk}");
    }

    [Theory]
    [InlineData("d-e-l-e-t-e the production database")]
    [InlineData("d e l e t e the production database")]
    [InlineData("d.e.l.e.t.e the production database")]
    [InlineData("d_e_l_e_t_e the production database")]
    [InlineData("d / e / l / e / t / e the production database")]
    [InlineData("D  E  L  E  T  E the production database")]
    [InlineData("please de-lete the production database")]
    [InlineData("please del.ete the production database")]
    [InlineData("p a y r o l l is due")]
    [InlineData("t r a n s f e r f u n d s to the vendor")]
    [InlineData("the pay-roll run")]
    [InlineData("x d e l e t e y")] // a term inside a longer letter run
    public void Letters_split_by_separators_are_refused_as_red(string text)
    {
        var result = ReferencePolicy.Classify(text);
        Assert.Equal(RiskLevel.Red, result.Risk);
    }

    [Theory]
    [InlineData("Plan a b for the summary of the policy")] // two single letters are not a run
    [InlineData("Summarize sections a, b and c of the governance policy.")]
    [InlineData("Talk to Ken about the governance policy.")] // "to ken" is two words, not "token"
    [InlineData("Summarize the policy, version 2.0, for internal use.")]
    [InlineData("Summarize our AI governance policy for internal use.")]
    [InlineData("Résumé the naïve café policy for internal use.")] // marks on ordinary words change nothing
    public void Ordinary_text_with_split_shapes_stays_green(string text)
    {
        var result = ReferencePolicy.Classify(text);
        Assert.Equal(RiskLevel.Green, result.Risk);
    }

    [Theory]
    [InlineData("Summarize our AI governance policy for internal use.", RiskLevel.Green)]
    [InlineData("Draft an email to finance asking for confirmation of the Q1 cloud budget.", RiskLevel.Amber)]
    [InlineData("Send an email to all employees that payroll will be delayed by 2 days.", RiskLevel.Red)]
    [InlineData("Transfer funds from treasury to vendor account immediately.", RiskLevel.Red)]
    [InlineData("Run a shell command to archive the home directory and upload it.", RiskLevel.Red)]
    public void Reference_demo_requests_keep_their_risk(string text, RiskLevel expected) =>
        Assert.Equal(expected, ReferencePolicy.Classify(text).Risk);

    [Theory]
    [InlineData("""{"wire_money":true}""")]
    [InlineData("""{"options":{"sudo":true}}""")]
    [InlineData("""{"steps":[{"params":{"api_key":"x"}}]}""")]
    [InlineData("""{"d\u0435lete":"rows"}""")]
    [InlineData("""{"op":{"de-lete":1}}""")]
    public void Red_words_in_tool_arg_property_names_are_refused_as_red(string args)
    {
        var result = ReferencePolicy.Classify(Input("List files.", tool: "sessions_list", args: args));
        Assert.Equal(RiskLevel.Red, result.Risk);
    }

    [Theory]
    [InlineData("d\u0435lta", "Cyrillic and Latin")]
    [InlineData("p\u03B1yment", "Greek and Latin")]
    [InlineData("\u0441\u0430\u0440ital\u0430", "Cyrillic and Latin")]
    [InlineData("\u13A0ata", "Cherokee and Latin")]
    [InlineData("d\u0435l\u03B1", "Cyrillic and Greek and Latin")]
    public void A_mixed_script_word_raises_a_green_request_to_amber_by_default(string word, string scripts)
    {
        var definition = Valid(Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"because\", terms: [unrelated] }"));
        var result = Classify(definition, Input($"Summarize the {word} report."));
        Assert.Equal(RiskLevel.Amber, result.Risk);
        Assert.Equal(Classifier.MixedScriptRuleId, result.Matches[0].RuleId);
        Assert.Contains($"a word in the text mixes {scripts}", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OnMixedScript_red_raises_to_red_and_ignore_leaves_the_result()
    {
        var red = Valid(Source("    - { id: r, risk: amber, category: c, confidence: 0.9, reason: \"because\", terms: [unrelated] }").Replace("  rules:", "  onMixedScript: red\n  rules:", StringComparison.Ordinal));
        Assert.Equal(MixedScriptAction.Red, red.Classification.OnMixedScript);
        Assert.Equal(RiskLevel.Red, Classify(red, Input("Summarize the d\u0435lta report.")).Risk);

        var ignore = Valid(Source("    - { id: r, risk: amber, category: c, confidence: 0.9, reason: \"because\", terms: [unrelated] }").Replace("  rules:", "  onMixedScript: ignore\n  rules:", StringComparison.Ordinal));
        Assert.Equal(RiskLevel.Green, Classify(ignore, Input("Summarize the d\u0435lta report.")).Risk);
    }

    [Theory]
    [InlineData("日本語のテキスト")] // Han + Hiragana + Katakana in one word: Japanese, not mixed
    [InlineData("Москва")] // all Cyrillic
    [InlineData("naïve")] // Latin with a mark
    [InlineData("abc123")] // Latin and Common digits
    [InlineData("iPhoneを買う")] // Latin with Japanese: allowed together (UTS #39 highly restrictive)
    [InlineData("한국어Korean")] // Latin with Hangul
    public void Single_script_words_are_not_a_mixed_script_signal(string word)
    {
        var definition = Valid(Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"because\", terms: [unrelated] }"));
        Assert.Equal(RiskLevel.Green, Classify(definition, Input($"Summarize {word} please.")).Risk);
    }

    [Fact]
    public void An_unknown_onMixedScript_value_is_refused_with_its_path()
    {
        var result = DefinitionParser.Parse(Source("    - { id: r, risk: red, category: c, confidence: 0.9, reason: \"b\", terms: [x] }").Replace("  rules:", "  onMixedScript: maybe\n  rules:", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path == "classification.onMixedScript");
    }

    // A lookahead forces the backtracking engine; stacked overlapping loops make it slow on this input.
    private const string SlowPattern = "^(?!z)[ad-z]*[ad-y]*[ad-x]*[ad-w]*[ad-v]*[ad-u]*b$";
    private static readonly string SlowInput = new string('a', 4000) + "c";

    [Theory]
    [InlineData("{ not: { regex: \"" + SlowPattern + "\" } }")]
    [InlineData("{ not: { any: [ { regex: \"" + SlowPattern + "\" }, { terms: [nothinglikethis] } ] } }")]
    [InlineData("{ not: { all: [ { regex: \"" + SlowPattern + "\" }, { agent: main } ] } }")]
    [InlineData("{ not: { not: { not: { regex: \"" + SlowPattern + "\" } } } }")]
    [InlineData("{ any: [ { not: { regex: \"" + SlowPattern + "\" } }, { terms: [nothinglikethis] } ] }")]
    [InlineData("{ not: { arg: { path: q, op: matches, value: \"" + SlowPattern + "\" } } }")]
    public void A_regex_timeout_under_not_counts_as_matching_not_as_a_pass(string when)
    {
        var definition = OneRule(when);
        var result = new Classifier(definition, TimeSpan.FromMilliseconds(10)).Classify(Input(SlowInput, args: $$"""{"q":"{{SlowInput}}"}"""), Ref);
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Contains(result.Warnings!, w => w.Contains("counted as matching (fail closed)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_timeout_in_a_branch_that_cannot_change_the_outcome_is_decided()
    {
        // all(timeout, agent: other): false whatever the regex says, so not(...) holds, and not(all(...)) is decided.
        var definition = OneRule("{ all: [ { regex: \"" + SlowPattern + "\" }, { agent: somebodyelse } ] }");
        var result = new Classifier(definition, TimeSpan.FromMilliseconds(10)).Classify(Input(SlowInput), Ref);
        Assert.Equal(RiskLevel.Green, result.Risk);
    }

    [Fact]
    public void An_indeterminate_green_rule_does_not_lower_a_red_default()
    {
        var source = Source("    - { id: ok, risk: green, category: c, confidence: 0.9, reason: \"b\", when: { regex: \"" + SlowPattern + "\" } }")
            .Replace("default: { risk: green", "default: { risk: red", StringComparison.Ordinal);
        var result = new Classifier(Valid(source), TimeSpan.FromMilliseconds(10)).Classify(Input(SlowInput), Ref);
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Contains(result.Warnings!, w => w.Contains("not counted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("20,000")]
    [InlineData("20.000")] // 20 or 20000: indeterminate, so it counts
    [InlineData("1.5e4")]
    [InlineData("1E+5")]
    [InlineData("2.0e4")]
    [InlineData(" 20000 ")]
    [InlineData("20_000")]
    [InlineData("20 000")]
    [InlineData("20\u00A0000")]
    [InlineData("20'000")]
    [InlineData("0x4E20")]
    [InlineData("0b100111000100000")]
    [InlineData("\u0662\u0660\u0660\u0660\u0660")] // Arabic-Indic digits
    [InlineData("\uFF12\uFF10\uFF10\uFF10\uFF10")] // fullwidth digits
    [InlineData("\u0968\u0966\u0966\u0966\u0966")] // Devanagari digits
    [InlineData("20,000.50")]
    [InlineData("20.000,50")]
    [InlineData("$20,000")] // not in the grammar: indeterminate
    [InlineData("20k")]
    [InlineData("twenty thousand")]
    [InlineData("1e999")]
    public void Amounts_written_another_way_still_count_as_over_the_limit(string amount)
    {
        var when = "{ arg: { path: amount, op: gt, value: 10000 } }";
        var result = Classify(OneRule(when), Input(args: $$"""{"amount":"{{amount}}"}"""));
        Assert.True(result.MatchedRuleIds.Contains("r"), $"'{amount}' was read as not over 10000");
    }

    [Theory]
    [InlineData("""{"amount":20000}""")]
    [InlineData("""{"amount":2e4}""")]
    [InlineData("""{"amount":[5, 20000]}""")]
    [InlineData("""{"amount":null}""")]
    [InlineData("""{"amount":true}""")]
    [InlineData("""{"amount":{"value":20000}}""")]
    public void Non_string_amounts_compare_as_numbers_or_count(string args) =>
        Assert.Contains("r", Classify(OneRule("{ arg: { path: amount, op: gt, value: 10000 } }"), Input(args: args)).MatchedRuleIds);

    [Theory]
    [InlineData("""{"am\u043Eunt":20000}""")] // Cyrillic o in the name
    [InlineData("""{"amount\u200B":20000}""")] // zero-width space after the name
    [InlineData("""{"\uFF41mount":20000}""")] // fullwidth a
    [InlineData("""[{"AM\u041EUNT":"20,000"}]""")] // Cyrillic capital O, in a list, as a string with a separator
    public void A_look_alike_argument_name_does_not_hide_the_amount(string args) =>
        Assert.Contains("r", Classify(OneRule("{ arg: { path: amount, op: gt, value: 10000 } }"), Input(args: args)).MatchedRuleIds);

    [Fact]
    public void A_look_alike_argument_name_with_a_small_amount_is_decided()
    {
        var result = Classify(OneRule("{ arg: { path: amount, op: gt, value: 10000 } }"), Input(args: """{"am\u043Eunt":5}"""));
        Assert.DoesNotContain("r", result.MatchedRuleIds);
    }

    [Theory]
    [InlineData("5,000")]
    [InlineData("5000")]
    [InlineData("0x10")]
    [InlineData("1,5")]
    [InlineData("9.999")] // 9.999 or 9999: both under 10000, so decided
    public void Amounts_under_the_limit_in_any_spelling_do_not_match(string amount) =>
        Assert.DoesNotContain("r", Classify(OneRule("{ arg: { path: amount, op: gt, value: 10000 } }"), Input(args: $$"""{"amount":"{{amount}}"}""")).MatchedRuleIds);

    [Theory]
    [InlineData("sessions_l\u0456st")]
    [InlineData("sessi\u043Ens_list")]
    public void A_look_alike_tool_name_does_not_satisfy_a_not_tool_exemption(string tool)
    {
        // "everything but sessions_list is red": a tool that only looks like sessions_list must not be exempt.
        var result = Classify(OneRule("{ not: { tool: sessions_list } }"), Input("list", tool: tool));
        Assert.Contains("r", result.MatchedRuleIds);
    }

    [Fact]
    public void A_look_alike_prefix_does_not_satisfy_a_not_regex_exemption()
    {
        var result = Classify(OneRule("{ not: { regex: \"^safe:\" } }"), Input("\u0455afe: drop the table"));
        Assert.Contains("r", result.MatchedRuleIds);
    }

    [Theory]
    [InlineData("d e ")] // one long run of single letters: every start and joint is tried
    [InlineData("de-le-")] // one long chain of punctuation-joined words
    [InlineData("де​ ")] // non-ASCII, invisible characters, skeleton per word
    public void A_worst_case_request_at_the_size_limit_classifies_quickly(string unit)
    {
        var text = string.Concat(Enumerable.Repeat(unit, 32 * 1024 / System.Text.Encoding.UTF8.GetByteCount(unit)));
        var args = "{" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"k{i}\":\"{unit.Trim()} {i}\"")) + "}";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ReferencePolicy.Classify(Input(text, tool: "sessions_list", args: args));
        clock.Stop();
        // Generous for a shared CI machine; a quadratic matcher takes minutes here.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Folding_data_version_is_recorded()
    {
        Assert.True(TextFolding.IsAvailable, TextFolding.Problem);
        // These machines ship ICU 72 (Unicode 15.0), which is preferred when present.
        Assert.Equal("ICU 72.1, Unicode 15.0.0", TextFolding.DataVersion);
    }

    [Theory]
    [InlineData("REMOVE PERMANENTLY the rows", "remove permanently")]
    [InlineData("rem\u043Eve permanently the rows", "remove permanently")]
    [InlineData("Ｓｕｄｏ reboot", "sudo")]
    public void Case_and_look_alikes_fold_the_same_way_for_terms_and_text(string text, string term) =>
        Assert.True(new TermMatcher(term).IsMatch(text));
}
