namespace ApprovalOrchestrator.Core.Delegation;

/// <summary>
/// "While I am away, <see cref="Delegate"/> may act for me": in force from <see cref="StartsAt"/> (inclusive) to
/// <see cref="EndsAt"/> (exclusive). <see cref="DelegatorGroups"/> are the delegator's groups as their token showed them
/// when they delegated (the server knows a person's groups only from that person's own token).
/// </summary>
public sealed record DelegationGrant(
    Guid Id,
    string Delegator,
    string Delegate,
    IReadOnlyList<string> DelegatorGroups,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt)
{
    public bool ActiveAt(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

    public bool Overlaps(DateTimeOffset start, DateTimeOffset end) => StartsAt < end && start < EndsAt;
}
