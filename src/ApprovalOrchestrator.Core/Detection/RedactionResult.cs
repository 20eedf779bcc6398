namespace ApprovalOrchestrator.Core.Detection;

/// <param name="Text">The text with every redacted span replaced by its placeholder.</param>
/// <param name="Redacted">The replaced spans, in the original text.</param>
public sealed record RedactionResult(string Text, IReadOnlyList<Finding> Redacted);
