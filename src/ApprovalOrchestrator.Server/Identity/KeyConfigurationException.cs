namespace ApprovalOrchestrator.Server.Identity;

/// <summary>A configured verification key is unusable or of the wrong kind. Stops the start; the message names the setting and file, never the key.</summary>
public sealed class KeyConfigurationException(string message) : InvalidOperationException(message);
