using System.Text.Json;

namespace ApprovalOrchestrator.Core.Guardrails;

/// <summary>What the guardrails decided about one request: part of its classification and of the audit trail.</summary>
/// <param name="Findings">Findings per detector id across the text and every tool argument (never values or positions).</param>
/// <param name="Actions">The action the effective policy took for each detector that found something.</param>
/// <param name="Decision"><c>pass</c> (nothing found or all allowed), <c>redact</c>, <c>require-approval</c> or <c>block</c>.</param>
/// <param name="ClassifiedRoute">The route the rules chose, when <c>require-approval</c> moved the request to another.</param>
/// <param name="Outgoing">Exactly what goes to the Gateway (and what the action hash covers): the redacted request.</param>
public sealed record GuardrailOutcome(
    IReadOnlyDictionary<string, int> Findings,
    IReadOnlyDictionary<string, string> Actions,
    string Decision,
    string? ClassifiedRoute,
    OutgoingRequest Outgoing)
{
    public const string Pass = "pass";
    public const string Redacted = "redact";
    public const string RequireApproval = "require-approval";
    public const string Blocked = "block";

    public bool IsBlocked => Decision == Blocked;

    /// <summary>How many values were replaced, per detector id (the same value twice counts once: one placeholder).</summary>
    public IReadOnlyDictionary<string, int> RedactedCounts => Outgoing.Placeholders;
}

/// <summary>
/// The request as it leaves the orchestrator: text, tool arguments and the classification reason the agent is shown,
/// with every redacted value replaced by its placeholder. <see cref="Placeholders"/> counts distinct values replaced
/// per detector id.
/// </summary>
public sealed record OutgoingRequest(string Text, JsonElement? ToolArgs, string Reason, IReadOnlyDictionary<string, int> Placeholders);
