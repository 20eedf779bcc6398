using ApprovalOrchestrator.Application.Identity;

namespace ApprovalOrchestrator.Application.Requests;

/// <summary>Who reads a request (<c>GET /api/requests…</c>, the console's request page): approvers, auditors and admins every one; a submitter only their own.</summary>
public static class RequestVisibility
{
    public static bool SeesAll(Actor who) => who.Is(UserRoles.Approver) || who.Is(UserRoles.Auditor) || who.Is(UserRoles.Admin);

    public static bool MayRead(Actor who, string requester) => SeesAll(who) || requester == who.User;
}
