namespace ApprovalOrchestrator.Runtime.Approvals;

/// <summary>
/// <c>Bus:Bridges:&lt;name&gt;</c>: a chat-ops or e-mail bridge allowed to vouch for approvers on the bus. It proves it
/// is <c>&lt;name&gt;</c> with a bearer token of its own (<c>sub</c> = the name, role <c>bridge</c>), verified like any
/// token; what it may vouch for is configured here, never taken from the message.
/// </summary>
public sealed class BridgeOptions
{
    /// <summary>The approver groups this bridge may speak for. A decision naming any other group is refused.</summary>
    public List<string> Groups { get; set; } = [];

    /// <summary>When not empty, the only approvers this bridge may speak for.</summary>
    public List<string> Users { get; set; } = [];
}
