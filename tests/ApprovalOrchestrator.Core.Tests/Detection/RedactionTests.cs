using System.Text.Json.Nodes;
using ApprovalOrchestrator.Core.Detection;

namespace ApprovalOrchestrator.Core.Tests.Detection;

public class RedactionTests
{
    [Fact]
    public void The_same_value_gets_the_same_placeholder_across_a_request()
    {
        var state = new RedactionState();
        var text = PlaceholderRedactor.Redact("Mail bob@example.com and alice@example.com, then BOB@example.com again.", RedactionPolicy.All, state);
        var args = PlaceholderRedactor.Redact("{\"to\":\"alice@example.com\",\"cc\":\"carol@example.com\"}", RedactionPolicy.All, state);

        Assert.Equal("Mail [email#1] and [email#2], then [email#1] again.", text.Text);
        Assert.Equal("{\"to\":\"[email#2]\",\"cc\":\"[email#3]\"}", args.Text);
        Assert.Equal(3, state.Counts["email"]);
    }

    [Fact]
    public void Spellings_of_one_number_share_a_placeholder_and_kinds_count_apart()
    {
        var state = new RedactionState();
        var result = PlaceholderRedactor.Redact(
            "Card 4111 1111 1111 1111, again 4111-1111-1111-1111; call +1 555-123-4567.", RedactionPolicy.All, state);

        Assert.Equal("Card [payment-card#1], again [payment-card#1]; call [phone#1].", result.Text);
        Assert.Equal(new Dictionary<string, int> { ["payment-card"] = 1, ["phone"] = 1 }, state.Counts);
    }

    [Fact]
    public void Tool_arguments_are_redacted_value_by_value_with_the_request_placeholders()
    {
        var state = new RedactionState();
        var text = PlaceholderRedactor.Redact("Refund bob@example.com", RedactionPolicy.All, state).Text;
        var args = JsonNode.Parse("""{"to":"bob\u0040example.com","amount":4111111111111111,"count":12,"lines":["card 4111 1111 1111 1111",null,true],"bob@example.com":"key"}""");
        var redacted = new List<Finding>();

        var result = JsonRedaction.Redact(args, RedactionPolicy.All, state, redacted);

        Assert.Equal("Refund [email#1]", text);
        // The card sent as a JSON number is the same card: its placeholder, as a string. Keys are kept.
        Assert.Equal("""{"to":"[email#1]","amount":"[payment-card#1]","count":12,"lines":["card [payment-card#1]",null,true],"bob@example.com":"key"}""", result!.ToJsonString());
        Assert.Equal(new Dictionary<string, int> { ["email"] = 1, ["payment-card"] = 2 }, FindingCounts.ByDetector(redacted));
        Assert.Equal(1, state.Counts["payment-card"]);
        Assert.Equal("bob@example.com", args!["to"]!.GetValue<string>()); // the input is not changed
    }

    [Fact]
    public void Counts_name_detectors_and_numbers_only()
    {
        var findings = Scanner.Scan("a@b.io, c@d.io, 10.0.0.1");
        Assert.Equal(new Dictionary<string, int> { ["email"] = 2, ["ipv4"] = 1 }, FindingCounts.ByDetector(findings));
        Assert.Equal(["email", "ipv4"], FindingCounts.ByDetector(findings).Keys);
    }

    [Fact]
    public void Only_the_detectors_the_policy_redacts_are_replaced()
    {
        var result = PlaceholderRedactor.Redact(
            "bob@example.com from 10.0.0.1", RedactionPolicy.Only("ipv4"), new RedactionState());

        Assert.Equal("bob@example.com from [ipv4#1]", result.Text);
        Assert.Equal([new Finding("ipv4", 21, 8)], result.Redacted);
    }

    [Fact]
    public void An_unknown_detector_id_in_a_policy_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => RedactionPolicy.Only("emial"));
        Assert.Contains("emial", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_findings_become_one_span_labelled_by_the_most_specific()
    {
        // A JWT is also a long high-entropy run; the JWT label wins and nothing of either is left.
        const string jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        var text = $"token {jwt}";
        var all = Scanner.ScanAll(text);
        var resolved = Scanner.Scan(text);

        Assert.Contains(all, f => f.DetectorId == "high-entropy");
        Assert.Equal([new Finding("jwt", 6, jwt.Length)], resolved);
    }

    [Fact]
    public void Findings_never_carry_the_value()
    {
        var type = typeof(Finding);
        Assert.Equal(["DetectorId", "End", "Length", "Start"], type.GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scanning_is_deterministic()
    {
        var text = string.Concat(Enumerable.Repeat("bob@example.com 4111111111111111 AKIAIOSFODNN7EXAMPLE +44 20 7946 0958 ", 50));
        var first = Scanner.Scan(text);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, Scanner.Scan(text));
        }

        Assert.Equal(200, first.Count);
    }

    [Fact]
    public void Hidden_characters_inside_a_value_are_redacted_with_it()
    {
        var result = PlaceholderRedactor.Redact("pay 4111\u200B1111\u200B1111\u200B1111 now", RedactionPolicy.All, new RedactionState());
        Assert.Equal("pay [payment-card#1] now", result.Text);
    }
}
