namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>
/// Names this process run. An execution start recorded under another run id was interrupted by a crash or restart:
/// that is how a tool invocation in doubt is told from one still in flight here.
/// </summary>
public sealed class RunIdentity
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
}
