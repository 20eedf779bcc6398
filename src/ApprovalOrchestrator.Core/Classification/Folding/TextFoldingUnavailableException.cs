namespace ApprovalOrchestrator.Core.Classification.Folding;

/// <summary>Text cannot be folded on this machine (ICU missing or another version): nothing may be classified green.</summary>
public sealed class TextFoldingUnavailableException(string message) : InvalidOperationException(message);
