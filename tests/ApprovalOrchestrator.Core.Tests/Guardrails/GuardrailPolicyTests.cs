using System.Text.Json;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Guardrails;
using ApprovalOrchestrator.Core.Tests.TestSupport;
using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Guardrails.GuardrailKit;

namespace ApprovalOrchestrator.Core.Tests.Guardrails;

/// <summary>The pure guardrails step of classification: each action, stable placeholders, route overrides.</summary>
public sealed class GuardrailPolicyTests
{
    private const string RedactAll = """
        guardrails:
          detectors: { email: redact, payment-card: redact, iban: redact, private-key: block }
        """;

    [Fact]
    public void Redact_replaces_each_value_with_a_numbered_placeholder_and_keeps_the_route()
    {
        var c = Classify(Definition(RedactAll), $"Mail {Email} and {OtherEmail} the card {Card}.");

        Assert.Equal("green", c.Route);
        Assert.Equal(RiskLevel.Green, c.Risk);
        var g = Assert.IsType<GuardrailOutcome>(c.Guardrails);
        Assert.Equal(GuardrailOutcome.Redacted, g.Decision);
        Assert.Equal("Mail [email#1] and [email#2] the card [payment-card#1].", g.Outgoing.Text);
        Assert.Equal(new Dictionary<string, int> { ["email"] = 2, ["payment-card"] = 1 }, g.Findings);
        Assert.Equal("redact", g.Actions["email"]);
        Assert.Equal(2, g.RedactedCounts["email"]);
    }

    [Fact]
    public void The_same_value_gets_the_same_placeholder_in_the_text_and_every_argument_however_it_is_written()
    {
        var args = JsonSerializer.Serialize(new { to = Email.ToUpperInvariant(), cc = new[] { OtherEmail, Email }, card = "4111-1111-1111-1111" });
        var c = Classify(Definition(RedactAll), $"Send to {Email}, card {Card}", args);

        var sent = c.Guardrails!.Outgoing;
        Assert.Equal("Send to [email#1], card [payment-card#1]", sent.Text);
        Assert.Equal("""{"to":"[email#1]","cc":["[email#2]","[email#1]"],"card":"[payment-card#1]"}""", sent.ToolArgs!.Value.GetRawText());
    }

    [Fact]
    public void Redaction_is_deterministic_from_request_and_definition()
    {
        var definition = Definition(RedactAll);
        var first = Classify(definition, $"{OtherEmail} then {Email} then {OtherEmail}", """{"x":"bob.smith@example.com"}""");
        var again = Classify(Definition(RedactAll), $"{OtherEmail} then {Email} then {OtherEmail}", """{"x":"bob.smith@example.com"}""");

        Assert.Equal(first.Guardrails!.Outgoing.Text, again.Guardrails!.Outgoing.Text);
        Assert.Equal(first.Guardrails.Outgoing.ToolArgs!.Value.GetRawText(), again.Guardrails.Outgoing.ToolArgs!.Value.GetRawText());
        Assert.Equal("[email#1] then [email#2] then [email#1]", first.Guardrails.Outgoing.Text);
    }

    [Fact]
    public void Block_blocks_whatever_the_route_and_sends_nothing()
    {
        var c = Classify(Definition(RedactAll), $"Here is the key:\n{PrivateKey}");

        Assert.True(c.Guardrails!.IsBlocked);
        Assert.Equal("block", c.Guardrails.Actions["private-key"]);
        Assert.Contains("private-key", c.Reason);
        Assert.DoesNotContain("MIIEvQ", c.Reason);

        var state = WorkflowStateMachine.Start(Guid.NewGuid(), new AgentRequest("r", "alice", "main", "x", null), RuleKit.Ref, DateTimeOffset.UnixEpoch).State;
        var step = WorkflowStateMachine.Apply(state with { Status = InstanceStatus.Received }, Definition(RedactAll), new Classified(c), DateTimeOffset.UnixEpoch);
        Assert.Equal(InstanceStatus.Blocked, step.State.Status);
        Assert.DoesNotContain(step.Effects, e => e is RequestExecution or CallGateway);
    }

    [Fact]
    public void Require_approval_sends_a_green_request_to_the_approval_route()
    {
        var definition = Definition("""
            guardrails:
              detectors: { iban: require-approval }
            """);
        var c = Classify(definition, $"Summarize the account {Iban}.");

        Assert.Equal(RiskLevel.Green, c.Risk);
        Assert.Equal("amber", c.Route);
        Assert.Equal(GuardrailOutcome.RequireApproval, c.Guardrails!.Decision);
        Assert.Equal("green", c.Guardrails.ClassifiedRoute);
        Assert.Contains(Iban, c.Guardrails.Outgoing.Text); // approved, then sent as is
        Assert.Contains("Guardrails require approval: iban (1)", c.Reason);
    }

    [Fact]
    public void Require_approval_on_a_request_already_waiting_for_people_keeps_its_route()
    {
        var definition = Definition("""
            guardrails:
              detectors: { iban: require-approval }
            """);
        var c = Classify(definition, $"Transfer 100 EUR to {Iban}.");

        Assert.Equal("red", c.Route);
        Assert.Null(c.Guardrails!.ClassifiedRoute);
    }

    [Fact]
    public void Require_approval_uses_the_named_approval_route()
    {
        var definition = Definition("""
            guardrails:
              detectors: { email: require-approval }
              approvalRoute: red
            """);

        Assert.Equal("red", Classify(definition, $"Write to {Email}").Route);
    }

    [Fact]
    public void Allow_sends_the_value_but_still_counts_the_finding()
    {
        var c = Classify(Definition(RedactAll), $"Ping {Ipv4} please"); // ipv4 falls to the default: allow

        Assert.Equal($"Ping {Ipv4} please", c.Guardrails!.Outgoing.Text);
        Assert.Equal(1, c.Guardrails.Findings["ipv4"]);
        Assert.Equal("allow", c.Guardrails.Actions["ipv4"]);
        Assert.Equal(GuardrailOutcome.Pass, c.Guardrails.Decision);
    }

    [Fact]
    public void The_default_applies_to_every_detector_not_listed()
    {
        var c = Classify(Definition("""
            guardrails:
              detectors: { ipv4: allow }
              default: redact
            """), $"Ping {Ipv4} and {Email}");

        Assert.Equal($"Ping {Ipv4} and [email#1]", c.Guardrails!.Outgoing.Text);
    }

    [Fact]
    public void A_route_override_changes_what_that_route_redacts()
    {
        var definition = Definition(
            RedactAll,
            """
                guardrails:
                  detectors: { email: allow, ipv4: redact }
            """);
        var c = Classify(definition, $"Mail {Email} from {Ipv4}, card {Card}");

        Assert.Equal($"Mail {Email} from [ipv4#1], card [payment-card#1]", c.Guardrails!.Outgoing.Text);
    }

    [Fact]
    public void A_route_override_of_the_approval_route_decides_what_an_escalated_request_sends()
    {
        var source = Source("""
            guardrails:
              detectors: { iban: require-approval, email: redact }
            """).Replace(
            "      - { group: leads, requiredApprovals: 1, timeout: PT4H }",
            "      - { group: leads, requiredApprovals: 1, timeout: PT4H }\n    guardrails: { detectors: { email: allow } }");
        var c = Classify(RuleKit.Valid(source), $"Account {Iban} of {Email}");

        Assert.Equal("amber", c.Route);
        Assert.Equal($"Account {Iban} of {Email}", c.Guardrails!.Outgoing.Text);
        Assert.Equal("require-approval", c.Guardrails.Actions["iban"]);
    }

    [Fact]
    public void The_reason_the_agent_sees_is_redacted_too()
    {
        var definition = RuleKit.Valid(Source(RedactAll).Replace(
            "- { id: money, risk: red, category: high, confidence: 0.9, reason: \"Money.\", terms: [transfer] }",
            "- { id: to-bob, risk: amber, category: mail, confidence: 0.9, reason: \"Mail\", when: { arg: { path: to, op: eq, value: \"bob.smith@example.com\" } } }"));
        var c = Classify(definition, "Send it", """{"to":"bob.smith@example.com"}""");

        Assert.Contains(Email, c.Reason); // the rule's detail names the value: people see it, the agent does not
        Assert.DoesNotContain(Email, c.Guardrails!.Outgoing.Reason);
    }

    [Fact]
    public void Without_a_guardrails_section_nothing_is_scanned_and_the_request_is_sent_as_submitted()
    {
        var c = Classify(RuleKit.Valid(Source(string.Empty)), $"Mail {Email}");

        Assert.Null(c.Guardrails);
        var request = new AgentRequest("r", "alice", "main", $"Mail {Email}", null);
        var state = WorkflowStateMachine.Start(Guid.NewGuid(), request, RuleKit.Ref, DateTimeOffset.UnixEpoch).State with { Classification = c };
        Assert.Same(request, SentAction.Of(state));
    }

    [Fact]
    public void The_action_hash_of_an_approval_task_covers_the_redacted_request()
    {
        var definition = Definition("""
            guardrails:
              detectors: { email: redact }
            """);
        var request = new AgentRequest("r", "alice", "main", $"Transfer the budget, tell {Email}", null);
        var state = WorkflowStateMachine.Start(Guid.NewGuid(), request, RuleKit.Ref, DateTimeOffset.UnixEpoch).State;
        var c = Classify(definition, request.Text);
        var step = WorkflowStateMachine.Apply(state, definition, new Classified(c), DateTimeOffset.UnixEpoch);

        var task = Assert.Single(step.State.Tasks);
        Assert.Equal(ActionHash.Compute(request with { Text = "Transfer the budget, tell [email#1]" }, RuleKit.Ref.Hash), task.ActionHash);
        Assert.NotEqual(ActionHash.Compute(request, RuleKit.Ref.Hash), task.ActionHash);
    }

    [Fact]
    public void The_classified_audit_event_carries_detector_ids_and_counts_never_values()
    {
        var definition = Definition(RedactAll);
        var request = new AgentRequest("r", "alice", "main", $"Mail {Email} the card {Card}", null);
        var state = WorkflowStateMachine.Start(Guid.NewGuid(), request, RuleKit.Ref, DateTimeOffset.UnixEpoch).State;
        var step = WorkflowStateMachine.Apply(state, definition, new Classified(Classify(definition, request.Text)), DateTimeOffset.UnixEpoch);

        var audit = step.Effects.OfType<AppendAudit>().Single(a => a.Kind == AuditKinds.Classified);
        var json = JsonSerializer.Serialize(audit.Data);
        Assert.Contains("\"payment-card\":1", json);
        Assert.Contains("\"decision\":\"redact\"", json);
        Assert.DoesNotContain("4111", json);
        Assert.DoesNotContain("bob.smith", json);
    }
}
