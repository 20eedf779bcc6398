using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Application.Delegation;

/// <summary>A grant ended now.</summary>
public sealed record DelegationRevoked(Guid Id);

/// <summary>
/// "End a delegation now" (<c>DELETE /api/delegations/{id}</c>): the delegator, the delegate (giving it up), whoever made
/// it, or an admin. Someone else's grant answers exactly like a missing one (whether it exists is not theirs to learn),
/// and the attempt is a security event.
/// </summary>
public sealed class RevokeDelegation(IDelegations delegations)
{
    public const int MaxReasonLength = 1000;

    /// <summary>Who may end a grant.</summary>
    public static bool MayRevoke(Actor who, RevocableGrant grant) =>
        who.Is(UserRoles.Admin) || who.User == grant.Delegator || who.User == grant.Delegate || who.User == grant.CreatedBy;

    public async Task<Result<DelegationRevoked>> HandleAsync(Actor who, Guid id, string? reason)
    {
        if (Refusal.Check(new List<FieldError>().AtMost("reason", reason, MaxReasonLength), who, UserRoles.Approver, UserRoles.Admin) is { } refused)
        {
            return refused;
        }

        var outcome = await delegations.RevokeAsync(id, who.User, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), grant => MayRevoke(who, grant));
        return outcome switch
        {
            RevocationOutcome.Revoked => new DelegationRevoked(id),
            RevocationOutcome.NotFound => Refusal.NotFound($"No delegation {id}."),
            RevocationOutcome.Forbidden => Refusal.NotFound($"No delegation {id}.", securityNote: $"delegation {id} is not theirs to revoke"),
            _ => Refusal.Conflict("Already ended", $"Delegation {id} has already ended or been revoked."),
        };
    }
}
