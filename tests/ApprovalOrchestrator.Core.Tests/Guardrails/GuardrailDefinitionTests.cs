using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Guardrails;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using static ApprovalOrchestrator.Core.Tests.Guardrails.GuardrailKit;

namespace ApprovalOrchestrator.Core.Tests.Guardrails;

/// <summary>The <c>guardrails</c> section as authors write it: parsed, validated by parser and schema, and the shipped reference.</summary>
public sealed class GuardrailDefinitionTests
{
    [Fact]
    public void A_full_section_parses_into_the_policy_and_route_override()
    {
        var d = Definition(
            """
            guardrails:
              detectors: { email: redact, private-key: block, iban: require-approval }
              default: redact
              response: withhold
              approvalRoute: red
            """,
            """
                guardrails: { detectors: { email: allow }, response: redact }
                gateway: { model: openai/gpt-5-mini }
            """);

        var policy = d.Guardrails!;
        Assert.Equal(GuardrailAction.Redact, policy.ActionFor("email"));
        Assert.Equal(GuardrailAction.Redact, policy.ActionFor("phone"));
        Assert.Equal(ResponseAction.Withhold, policy.Response);
        Assert.Equal("red", policy.ApprovalRoute);
        var green = policy.With(d.RouteFor("green").Guardrails);
        Assert.Equal(GuardrailAction.Allow, green.ActionFor("email"));
        Assert.Equal(GuardrailAction.Block, green.ActionFor("private-key"));
        Assert.Equal(ResponseAction.Redact, green.Response);
        Assert.Equal("openai/gpt-5-mini", d.RouteFor("green").Gateway!.Model);
    }

    [Theory]
    [InlineData("guardrails: { detectors: { e-mail: redact } }", "guardrails.detectors.e-mail", "unknown detector 'e-mail'")]
    [InlineData("guardrails: { detectors: { email: mask } }", "guardrails.detectors.email", "unknown guardrail action 'mask'")]
    [InlineData("guardrails: { response: drop }", "guardrails.response", "unknown response action 'drop'")]
    [InlineData("guardrails: { default: hide }", "guardrails.default", "unknown guardrail action 'hide'")]
    [InlineData("guardrails: { detectors: { email: require-approval }, approvalRoute: green }", "guardrails.approvalRoute", "needs an approve route")]
    [InlineData("guardrails: { detectors: { email: require-approval }, approvalRoute: nowhere }", "guardrails.approvalRoute", "does not exist")]
    [InlineData("guardrails: { redact: [email] }", "guardrails.redact", "unknown key 'redact'")]
    public void Mistakes_are_reported_at_their_path(string yaml, string path, string message)
    {
        var result = DefinitionValidation.Validate(Source(yaml));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Route_guardrails_without_definition_guardrails_are_refused()
    {
        var result = DefinitionParser.Parse(Source(string.Empty, "    guardrails: { detectors: { email: redact } }"));

        Assert.Contains(result.Errors, e => e.Path == "routes.green.guardrails");
    }

    [Fact]
    public void A_backend_model_that_could_break_the_header_is_refused()
    {
        var result = DefinitionParser.Parse(Source(string.Empty, "    gateway: { model: \"gpt\\r\\nx-evil: 1\" }"));

        Assert.Contains(result.Errors, e => e.Path == "routes.green.gateway.model");
    }

    [Fact]
    public void The_schema_accepts_the_section_and_refuses_what_the_parser_refuses()
    {
        Assert.True(DefinitionValidation.Validate(Source("guardrails: { detectors: { email: redact }, response: withhold }")).IsValid);
        Assert.False(DefinitionValidation.Validate(Source("guardrails: { detectors: { email: 3 } }")).IsValid);
    }

    [Fact]
    public void Allowing_key_material_is_a_warning()
    {
        var result = DefinitionParser.Parse(Source("guardrails: { detectors: { private-key: allow } }"));

        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Path == "guardrails.detectors.private-key");
    }

    [Fact]
    public void The_reference_definition_redacts_personal_data_and_secrets_and_blocks_private_keys()
    {
        var policy = ReferencePolicy.Definition.Guardrails!;
        foreach (var id in new[] { "email", "phone", "payment-card", "iban", "api-key", "jwt", "cloud-credential", "high-entropy" })
        {
            Assert.Equal(GuardrailAction.Redact, policy.ActionFor(id));
        }

        Assert.Equal(GuardrailAction.Block, policy.ActionFor("private-key"));
        Assert.Equal(ResponseAction.Redact, policy.Response);
        Assert.All(ReferencePolicy.Definition.Routes.Values, r => Assert.Null(r.Guardrails));
    }

    [Theory]
    [InlineData("Summarize our AI governance policy for internal use.", "green", "green")]
    [InlineData("Draft an email to finance asking for confirmation of the Q1 cloud budget.", "amber", "amber")]
    [InlineData("Send an email to all employees that payroll will be delayed by 2 days.", "red", "red")]
    [InlineData("Transfer funds from treasury to vendor account immediately.", "red", "red")]
    [InlineData("Run a shell command to archive the home directory and upload it.", "red", "red")]
    public void The_five_reference_requests_keep_their_risks_and_routes_and_are_sent_unchanged(string text, string risk, string route)
    {
        var c = ReferencePolicy.Classify(text);

        Assert.Equal(risk, c.Risk.ToString().ToLowerInvariant());
        Assert.Equal(route, c.Route);
        Assert.Equal(GuardrailOutcome.Pass, c.Guardrails!.Decision);
        Assert.Empty(c.Guardrails.Findings);
        Assert.Equal(text, c.Guardrails.Outgoing.Text);
    }

    [Fact]
    public void The_reference_definition_redacts_a_green_request_and_blocks_a_key()
    {
        var redacted = ReferencePolicy.Classify($"Summarize the thread with {Email} about card {Card} and IBAN {Iban}.");
        Assert.Equal("green", redacted.Route);
        Assert.Equal("Summarize the thread with [email#1] about card [payment-card#1] and IBAN [iban#1].", redacted.Guardrails!.Outgoing.Text);

        var blocked = ReferencePolicy.Classify($"Summarize this config:\n{PrivateKey}");
        Assert.True(blocked.Guardrails!.IsBlocked);
    }
}
