namespace ApprovalOrchestrator.Server.Identity;

/// <summary>The roles a token's roles claim may carry; each is an authorization policy of the same name.</summary>
public static class Roles
{
    public const string Submitter = "submitter";
    public const string Approver = "approver";
    public const string Admin = "admin";
    public const string Auditor = "auditor";

    /// <summary>Policy: may read requests (further narrowed per request: a submitter sees only their own).</summary>
    public const string Reader = "reader";

    /// <summary>Policy: may read the audit trail.</summary>
    public const string AuditReader = "audit-reader";

    /// <summary>Policy: may read workflow definitions, drafts, validations, diffs and what-ifs (changes need <see cref="Admin"/>).</summary>
    public const string DefinitionReader = "definition-reader";

    /// <summary>Policy: may grant delegations (approvers for themselves, admins for anyone).</summary>
    public const string Delegator = "delegator";
}
