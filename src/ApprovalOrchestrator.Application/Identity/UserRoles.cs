namespace ApprovalOrchestrator.Application.Identity;

/// <summary>
/// The roles a person (or a bridge) holds, from the <c>role</c> claim of their token. Not the roles a server process runs
/// (intake, execution, timers …: those are <c>NodeRoles</c> in the Runtime).
/// </summary>
public static class UserRoles
{
    public const string Submitter = "submitter";
    public const string Approver = "approver";
    public const string Admin = "admin";
    public const string Auditor = "auditor";

    /// <summary>A chat-ops or e-mail bridge that vouches for approvers on the bus (its own token; <c>Bus:Bridges</c>).</summary>
    public const string Bridge = "bridge";
}
