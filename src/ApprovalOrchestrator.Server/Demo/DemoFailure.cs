namespace ApprovalOrchestrator.Server.Demo;

/// <summary>The demo stops with this sentence (one line, exit 1): something did not happen as the story says it must.</summary>
public sealed class DemoFailure(string message) : Exception(message);
