namespace ApprovalOrchestrator.Application.Identity;

/// <summary>
/// Who calls a use case, as the adapter established it: the user, groups and user roles from a verified token
/// (<see cref="Verified"/>), or an approver vouched for by a configured bus <see cref="Bridge"/> (not verified: the
/// bridge speaks for the groups it is configured with, and delegations do not count for it).
/// </summary>
public sealed record Actor(string User, IReadOnlyList<string> Groups, IReadOnlyList<string> Roles, bool Verified = true, string? Bridge = null)
{
    public bool Is(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>An approver a bridge vouches for: the approver role, the groups the bridge may speak for, not verified.</summary>
    public static Actor VouchedBy(string bridge, string user, IReadOnlyList<string> groups) => new(user, groups, [UserRoles.Approver], Verified: false, Bridge: bridge);
}
