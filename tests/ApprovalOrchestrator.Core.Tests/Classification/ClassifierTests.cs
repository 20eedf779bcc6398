using System.Text.Json;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Classification;

public class ClassifierTests
{
    [Fact]
    public void Request_1_governance_summary_is_green_with_the_default()
    {
        var result = ReferencePolicy.Classify("Summarize our AI governance policy for internal use.");
        Assert.Equal(RiskLevel.Green, result.Risk);
        Assert.Equal("green", result.Route);
        Assert.Equal("low_impact", result.Category);
        Assert.Equal(0.88, result.Confidence);
        Assert.Equal("No sensitive action detected.", result.Reason);
        Assert.Empty(result.Matches);
        Assert.Equal(ReferencePolicy.Ref, result.Definition);
    }

    [Fact]
    public void Request_2_email_about_budget_is_amber()
    {
        var result = ReferencePolicy.Classify("Draft an email to finance asking for confirmation of the Q1 cloud budget.");
        Assert.Equal(RiskLevel.Amber, result.Risk);
        Assert.Equal("amber", result.Route);
        Assert.Equal("moderate_impact", result.Category);
        Assert.Equal(0.76, result.Confidence);
        Assert.Equal(["email", "budget"], result.MatchedTerms);
        Assert.EndsWith("(matched: email, budget).", result.Reason);
    }

    [Fact]
    public void Request_3_payroll_email_is_red_and_lists_the_amber_match_too()
    {
        var result = ReferencePolicy.Classify("Send an email to all employees that payroll will be delayed by 2 days.");
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Equal("red", result.Route);
        Assert.Equal(["red-high-impact", "amber-moderate-impact"], result.MatchedRuleIds);
        Assert.Equal(["payroll"], result.Matches[0].Terms);
        Assert.Equal(["email", "send"], result.Matches[1].Terms); // definition order of terms
        Assert.Contains("(matched: payroll)", result.Reason);
    }

    [Fact]
    public void Request_4_transfer_funds_is_red_with_vendor_also_matched()
    {
        var result = ReferencePolicy.Classify("Transfer funds from treasury to vendor account immediately.");
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Equal(0.92, result.Confidence);
        Assert.Equal("high_impact", result.Category);
        Assert.Equal(["transfer funds"], result.Matches[0].Terms);
        Assert.Equal(("amber-moderate-impact", RiskLevel.Amber), (result.Matches[1].RuleId, result.Matches[1].Risk));
        Assert.Equal(["vendor"], result.Matches[1].Terms);
    }

    [Fact]
    public void Request_5_run_a_shell_command_is_red()
    {
        var result = ReferencePolicy.Classify("Run a shell command to archive the home directory and upload it.");
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Equal("red", result.Route);
        Assert.Equal(["run shell"], result.MatchedTerms);
    }

    [Fact]
    public void Tool_args_are_scanned_recursively()
    {
        var args = JsonDocument.Parse("""{"path":"/etc","command":"sudo rm"}""").RootElement;
        var result = ReferencePolicy.Classify(new PolicyInput("Tidy up the config folder.", "alice", "main", "shell", "exec", args));
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Equal(["sudo"], result.MatchedTerms);
    }

    [Fact]
    public void Nested_arrays_and_numbers_in_tool_args_are_scanned()
    {
        var args = JsonDocument.Parse("""{"steps":[{"do":["list","then wipe"]}],"n":3}""").RootElement;
        var result = ReferencePolicy.Classify(new PolicyInput("Housekeeping.", "alice", "main", ToolArgs: args));
        Assert.Equal("blocked", result.Route);
    }

    [Fact]
    public void Tool_name_and_action_are_scanned()
    {
        var result = ReferencePolicy.Classify(new PolicyInput("Do the usual.", "alice", "main", "mailer", "send_email"));
        Assert.Equal(RiskLevel.Amber, result.Risk);
        Assert.Equal(["email", "send"], result.MatchedTerms);
    }

    [Fact]
    public void Words_do_not_join_across_fields()
    {
        var result = ReferencePolicy.Classify(new PolicyInput("Please transfer", "alice", "main", "funds"));
        // "funds" is an undeclared tool (amber by deny-by-default), but "transfer" + "funds" must not make the red term.
        Assert.DoesNotContain("red-high-impact", result.MatchedRuleIds);
        Assert.NotEqual(RiskLevel.Red, result.Risk);
    }

    [Fact]
    public void Property_names_in_tool_args_are_scanned_too()
    {
        // An agent can put the action in a name ({"token": …}) as well as in a value.
        var args = JsonDocument.Parse("""{"token":"abc","email":"x"}""").RootElement;
        Assert.Equal(RiskLevel.Red, ReferencePolicy.Classify(new PolicyInput("List files.", "alice", "main", ToolArgs: args)).Risk);
    }

    [Fact]
    public void Highest_risk_wins_and_every_match_is_listed_winner_first()
    {
        var result = ReferencePolicy.Classify("Email the customer, then delete the old contract and wipe the disk.");
        Assert.Equal(RiskLevel.Red, result.Risk);
        Assert.Equal("blocked", result.Route); // first red rule in definition order wins
        Assert.Equal(0.97, result.Confidence);
        Assert.Equal(["blocked-destructive", "red-high-impact", "amber-moderate-impact"], result.MatchedRuleIds);
        Assert.Equal(["delete"], result.Matches[1].Terms);
        Assert.Equal(["email", "customer", "contract"], result.Matches[2].Terms);
    }

    [Fact]
    public void Later_higher_risk_rule_beats_earlier_lower_one()
    {
        var definition = ReferencePolicy.Definition with
        {
            Classification = ReferencePolicy.Definition.Classification with
            {
                Rules =
                [
                    new ClassificationRule("a", RiskLevel.Amber, "m", 0.5, "Amber thing.", ["invoice"]),
                    new ClassificationRule("r", RiskLevel.Red, "h", 0.9, "Red thing", ["bank"]),
                ],
            },
        };
        var result = Classifier.Classify(new PolicyInput("Pay the invoice from the bank.", "a", "main"), definition, ReferencePolicy.Ref);
        Assert.Equal("r", result.Matches[0].RuleId);
        Assert.Equal("a", result.Matches[1].RuleId);
        Assert.Equal("Red thing (matched: bank).", result.Reason);
    }

    [Fact]
    public void Static_and_instance_classification_agree()
    {
        var input = new PolicyInput("Notify the vendor.", "a", "main");
        Assert.Equal(
            new Classifier(ReferencePolicy.Definition).Classify(input, ReferencePolicy.Ref).MatchedTerms,
            Classifier.Classify(input, ReferencePolicy.Definition, ReferencePolicy.Ref).MatchedTerms);
    }
}
