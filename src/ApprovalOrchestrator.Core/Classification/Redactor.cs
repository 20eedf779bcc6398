using ApprovalOrchestrator.Core.Detection;

namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// Masks personal data and secrets in text that leaves the orchestrator for notification channels and listings,
/// with every detector (<see cref="DetectorRegistry"/>): <c>[email]</c>, <c>[phone]</c>, <c>[payment-card]</c>,
/// <c>[api-key]</c>… Un-numbered on purpose: each string is redacted on its own, so a number would not mean the same
/// value across a request's text and its arguments (<see cref="PlaceholderRedactor.Redact"/> with one
/// <see cref="RedactionState"/> per request does that).
/// </summary>
public static class Redactor
{
    public static string Redact(string text) => PlaceholderRedactor.RedactUnnumbered(text, RedactionPolicy.All);
}
