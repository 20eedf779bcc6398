using System.Text.Json;
using ApprovalOrchestrator.Core.Detection;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Changes;
using ApprovalOrchestrator.Core.Guardrails;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using static ApprovalOrchestrator.Core.Tests.Guardrails.GuardrailKit;

namespace ApprovalOrchestrator.Core.Tests.Adversarial;

/// <summary>
/// An agent (or a prompt it was fed) shapes a request so a value the definition redacts or blocks still reaches the
/// model, or an author tries to loosen the guardrails. Each case names the attack and the refusal: the value is
/// replaced, the request goes to people, the request is blocked, or the definition is refused. The detectors'
/// own disguises (zero-width, full-width…) are DetectorEvasionTests; here they are checked through the policy.
/// </summary>
public sealed class GuardrailEvasionTests
{
    private static readonly WorkflowDefinition Reference = ReferencePolicy.Definition;

    private static string Sent(Core.Classification.ClassificationResult c) =>
        c.Guardrails!.Outgoing.Text + "\n" + c.Guardrails.Outgoing.ToolArgs?.GetRawText();

    [Theory]
    [InlineData("""{"part1":"4111 1111","part2":"1111 1111"}""")]
    [InlineData("""{"a":"4111","b":"1111","c":"1111","d":"1111"}""")]
    [InlineData("""{"digits":["4111 1111", "1111 1111"]}""")]
    public void A_card_split_across_arguments_is_not_sent_unapproved_it_goes_to_people(string args)
    {
        var c = Classify(Reference, "Store these values.", args);

        Assert.Equal("amber", c.Route);
        Assert.Equal(GuardrailOutcome.RequireApproval, c.Guardrails!.Decision);
        Assert.Equal("require-approval", c.Guardrails.Actions["payment-card"]);
        Assert.Contains("split across fields", c.Reason);
    }

    [Fact]
    public void A_card_split_between_the_text_and_an_argument_goes_to_people()
    {
        var c = Classify(Reference, "Store the card 4111 1111", """{"rest":"1111 1111"}""");

        Assert.Equal("amber", c.Route);
        Assert.Equal("require-approval", c.Guardrails!.Actions["payment-card"]);
    }

    [Theory]
    [InlineData("""{"bob.smith@example.com":true}""", "email")]
    [InlineData("""{"cards":{"4111 1111 1111 1111":"primary"}}""", "payment-card")]
    public void A_value_hidden_in_an_argument_name_cannot_be_redacted_so_it_goes_to_people(string args, string id)
    {
        var c = Classify(Reference, "Save the settings.", args);

        Assert.Equal("amber", c.Route);
        Assert.Equal("require-approval", c.Guardrails!.Actions[id]);
    }

    [Theory]
    [InlineData("４１１１ １１１１ １１１１ １１１１", "4111")] // full-width digits
    [InlineData("٤١١١١١١١١١١١١١١١", "٤١١١")] // Arabic-Indic digits
    [InlineData("bob\u200B.smith@example.com", "smith@")] // zero-width space inside
    [InlineData("ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｅｘａｍｐｌｅ")] // full-width address
    [InlineData("bob[at]example[dot]com", "example[dot]")]
    public void Disguised_values_the_detectors_read_through_are_replaced_in_what_is_sent(string value, string fragment)
    {
        var c = Classify(Reference, $"Summarize the notes about {value} please", JsonSerializer.Serialize(new { note = $"again {value}" }));

        Assert.Equal("green", c.Route);
        var sent = Sent(c);
        Assert.DoesNotContain(fragment, sent);
        Assert.DoesNotContain(value, sent);
        Assert.Contains("#1]", c.Guardrails!.Outgoing.Text);
    }

    [Fact]
    public void A_json_escaped_address_in_the_arguments_is_decoded_and_replaced()
    {
        var c = Classify(Reference, "Summarize it.", """{"to":"bob.smith\u0040example.com"}""");

        Assert.Equal("""{"to":"[email#1]"}""", c.Guardrails!.Outgoing.ToolArgs!.Value.GetRawText());
    }

    [Fact]
    public void A_card_sent_as_a_json_number_becomes_its_placeholder()
    {
        var c = Classify(Reference, "Summarize it.", """{"pan":4111111111111111}""");

        Assert.Equal("""{"pan":"[payment-card#1]"}""", c.Guardrails!.Outgoing.ToolArgs!.Value.GetRawText());
    }

    [Theory]
    [InlineData("""{"pem":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"}""")]
    [InlineData("""{"config":{"private_key":"-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA1c7+9z5Pad7Oejecs\\n-----END RSA PRIVATE KEY-----"}}""")]
    [InlineData("""{"keys":["-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU="]}""")]
    public void A_private_key_anywhere_in_the_arguments_blocks_the_request(string args)
    {
        var c = Classify(Reference, "Summarize it.", args);

        Assert.True(c.Guardrails!.IsBlocked);
    }

    [Fact]
    public void A_private_key_inside_a_larger_credential_still_blocks()
    {
        // The cloud-credential finding covers the key; ScanAll still sees the key inside it.
        var text = "Summarize: \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n\"";
        Assert.True(Classify(Reference, text).Guardrails!.IsBlocked);
    }

    [Fact]
    public void A_route_may_not_loosen_a_detector_the_definition_blocks()
    {
        var result = DefinitionParser.Parse(Source(
            "guardrails: { detectors: { private-key: block } }",
            "    guardrails: { detectors: { private-key: allow } }"));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == "routes.green.guardrails.detectors.private-key" && e.Message.Contains("may not loosen", StringComparison.Ordinal));
    }

    [Fact]
    public void A_route_default_may_not_loosen_a_definition_default_of_block()
    {
        var result = DefinitionParser.Parse(Source(
            "guardrails: { default: block }",
            "    guardrails: { default: redact }"));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path.StartsWith("routes.green.guardrails.detectors.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_block_route_cannot_carry_guardrails_that_would_never_apply()
    {
        var source = Source("guardrails: { detectors: { email: redact } }").Replace("blocked: { action: block }", "blocked: { action: block, guardrails: { detectors: { email: allow } } }");

        Assert.Contains(DefinitionParser.Parse(source).Errors, e => e.Path == "routes.blocked.guardrails");
    }

    [Fact]
    public void A_misspelled_detector_id_is_refused_rather_than_silently_allowing_the_real_one()
    {
        var result = DefinitionParser.Parse(Source("guardrails: { detectors: { Private-Key: allow, private_key: allow } }"));

        Assert.False(result.IsValid);
        Assert.Equal(2, result.Errors.Count(e => e.Message.StartsWith("unknown detector", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_require_approval_pointing_at_an_execute_route_is_refused()
    {
        var result = DefinitionParser.Parse(Source("guardrails: { detectors: { email: require-approval }, approvalRoute: green }"));

        Assert.False(result.IsValid);
    }

    [Fact]
    public void A_draft_that_stops_blocking_private_keys_shows_per_detector_in_the_diff_even_through_the_default()
    {
        var source = RepoFiles.Read(ReferencePolicy.Path);
        var draft = RuleKit.Valid(source.Replace("    private-key: block\n", string.Empty, StringComparison.Ordinal));

        var diff = DefinitionDiff.Compare(Reference, draft);

        Assert.Contains(diff.OtherChanges, c => c is { Field: "guardrails.detectors.private-key", From: "block", To: "allow" });
    }

    [Fact]
    public void A_draft_that_drops_the_guardrails_shows_in_what_if_for_requests_that_would_go_out_unredacted()
    {
        var source = RepoFiles.Read(ReferencePolicy.Path);
        var draft = RuleKit.Valid(source[..source.IndexOf("\nguardrails:", StringComparison.Ordinal)] + "\n");
        var requests = new[]
        {
            new RecordedRequest("r1", RuleKit.Input($"Summarize the thread with {Email}")),
            new RecordedRequest("r2", RuleKit.Input($"Summarize this:\n{PrivateKey}")),
            new RecordedRequest("r3", RuleKit.Input("Summarize our AI governance policy for internal use.")),
        };

        var report = WhatIf.Evaluate(requests, Reference, draft);

        Assert.Equal(3, report.GuardrailsChanged);
        Assert.Contains(report.Changes, c => c.Kind == "guardrails" && c.From.StartsWith("block · ", StringComparison.Ordinal) && c.From.Contains("private-key: block", StringComparison.Ordinal) && c.To == "none");
        Assert.Contains(report.Changes, c => c is { Kind: "guardrails", From: "redact · email: redact", To: "none" });
        Assert.Equal(0, report.RiskChanged);
    }

    [Fact]
    public void An_echo_of_a_redacted_value_in_the_answer_gets_the_placeholder_it_was_sent_as()
    {
        var policy = Reference.Guardrails!;
        var (_, state) = OutgoingRedaction.Redact($"Mail {Email}", null, "r", policy);
        var answer = JsonSerializer.SerializeToElement(new { choices = new[] { new { message = new { content = $"I wrote to {Email} and {OtherEmail}, card 4111-1111-1111-1111" } } } });

        var screened = ResponseScreen.Screen(answer, null, policy, state);

        var text = screened.Response!.Value.GetRawText();
        Assert.Contains("I wrote to [email#1] and [email#2], card [payment-card#1]", text);
        Assert.Equal("redact", screened.Screening!.Action);
        Assert.Equal(2, screened.Screening.Findings["email"]);
    }

    [Fact]
    public void Withhold_keeps_nothing_of_an_answer_with_a_finding()
    {
        var policy = Reference.Guardrails! with { Response = ResponseAction.Withhold };
        var answer = JsonDocument.Parse("""{"ok":true,"result":{"content":[{"type":"text","text":"card 4111 1111 1111 1111"}]}}""").RootElement;

        var screened = ResponseScreen.Screen(answer, null, policy, new RedactionState());

        var text = screened.Response!.Value.GetRawText();
        Assert.DoesNotContain("4111", text);
        Assert.DoesNotContain("card", text.Replace("payment-card", string.Empty, StringComparison.Ordinal));
        Assert.True(screened.Response.Value.GetProperty("withheld").GetBoolean());
        Assert.Equal("withhold", screened.Screening!.Action);
    }

    [Fact]
    public void An_error_message_that_quotes_the_request_is_redacted()
    {
        var screened = ResponseScreen.Screen(null, $"invalid recipient {Email}", Reference.Guardrails!, new RedactionState());

        Assert.Equal("invalid recipient [email#1]", screened.Error);
    }

    [Fact]
    public void A_value_the_definition_blocks_is_screened_out_of_the_answer_too()
    {
        var answer = JsonDocument.Parse(JsonSerializer.Serialize(new { text = $"here you go {PrivateKey}" })).RootElement;

        var screened = ResponseScreen.Screen(answer, null, Reference.Guardrails!, new RedactionState());

        Assert.DoesNotContain("MIIEvQ", screened.Response!.Value.GetRawText());
        Assert.Equal(1, screened.Screening!.Findings["private-key"]);
    }
}
