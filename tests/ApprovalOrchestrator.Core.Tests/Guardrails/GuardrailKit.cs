using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Guardrails;

/// <summary>Small definitions with a <c>guardrails</c> section, and values each detector finds.</summary>
internal static class GuardrailKit
{
    public const string Email = "bob.smith@example.com";
    public const string OtherEmail = "carol@example.org";
    public const string Card = "4111 1111 1111 1111";
    public const string Iban = "DE89370400440532013000";
    public const string Ipv4 = "203.0.113.7";
    public const string PrivateKey = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";

    /// <summary>A definition with green execute, amber/red approve, a 'blocked' route, the given guardrails and extra route YAML for green.</summary>
    public static string Source(string guardrailsYaml, string greenExtra = "") => $$"""
        id: g
        name: Guardrails test
        classification:
          default: { risk: green, category: low, confidence: 0.5, reason: "Nothing sensitive." }
          rules:
            - { id: money, risk: red, category: high, confidence: 0.9, reason: "Money.", terms: [transfer] }
        routes:
          green:
            action: execute
        {{greenExtra}}
          amber:
            action: approve
            tiers:
              - { group: leads, requiredApprovals: 1, timeout: PT4H }
          red:
            action: approve
            tiers: [{ group: officers, requiredApprovals: 2, timeout: P1D }]
          blocked: { action: block }
        execution: { agentId: main, timeout: PT90S }
        {{guardrailsYaml}}
        """;

    public static WorkflowDefinition Definition(string guardrailsYaml, string greenExtra = "") => RuleKit.Valid(Source(guardrailsYaml, greenExtra));

    public static ClassificationResult Classify(WorkflowDefinition definition, string text, string? args = null, string? tool = null) =>
        RuleKit.Classify(definition, RuleKit.Input(text, tool: tool ?? (args is null ? null : "sessions_list"), args: args));
}
