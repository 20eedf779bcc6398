using ApprovalOrchestrator.Application.Identity;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Authorization policies, and the user roles a token's roles claim may carry (each also a policy of the same name; the
/// names are <see cref="UserRoles"/>', which the use cases check too). Not a node's process roles (<c>NodeRoles</c>).
/// </summary>
public static class Roles
{
    public const string Submitter = UserRoles.Submitter;
    public const string Approver = UserRoles.Approver;
    public const string Admin = UserRoles.Admin;
    public const string Auditor = UserRoles.Auditor;

    /// <summary>Policy: may read requests (further narrowed per request: a submitter sees only their own).</summary>
    public const string Reader = "reader";

    /// <summary>Policy: may read the audit trail.</summary>
    public const string AuditReader = "audit-reader";

    /// <summary>Policy: may read workflow definitions, drafts, validations, diffs and what-ifs (changes need <see cref="Admin"/>).</summary>
    public const string DefinitionReader = "definition-reader";

    /// <summary>Policy: may grant delegations (approvers for themselves, admins for anyone).</summary>
    public const string Delegator = "delegator";
}
