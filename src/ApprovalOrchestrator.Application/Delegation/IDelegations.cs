using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Delegation;

/// <summary>Port: the delegation table. Chains and cycles are the pure <see cref="DelegationGraph"/>'s business.</summary>
public interface IDelegations
{
    /// <summary>What <paramref name="actor"/> may do for others right now.</summary>
    Task<IReadOnlyList<DelegatedAuthority>> AuthoritiesAsync(string actor);

    /// <summary>Records the grant unless it would close a cycle (checked in the write transaction); returns the cycle when refused.</summary>
    Task<IReadOnlyList<string>?> CreateAsync(DelegationGrant grant, string createdBy);

    /// <summary>Ends a grant now if <paramref name="mayRevoke"/> allows it (checked in the write transaction).</summary>
    Task<RevocationOutcome> RevokeAsync(Guid id, string by, string? reason, Func<RevocableGrant, bool> mayRevoke);

    /// <summary>Grants given by or to <paramref name="person"/> that have not ended.</summary>
    Task<IReadOnlyList<DelegationGrant>> ListAsync(string person);
}

/// <summary>The parties of a stored grant, for the rule of who may revoke it.</summary>
public sealed record RevocableGrant(string Delegator, string Delegate, string CreatedBy);

public enum RevocationOutcome
{
    Revoked,
    NotFound,
    Forbidden,
    AlreadyEnded,
}
