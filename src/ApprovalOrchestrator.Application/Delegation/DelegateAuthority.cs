using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Core.Delegation;
using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Application.Delegation;

/// <summary><see cref="From"/> defaults to the actor; someone else only for admins, who then name that person's <see cref="Groups"/>.</summary>
public sealed record DelegationInput(string? To, string? From, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, IReadOnlyList<string>? Groups);

/// <summary>
/// "While I am away, this person acts for me" (<c>POST /api/delegations</c>), for a time window. Approvers delegate
/// their own groups (from their token); an admin may delegate for someone else and names that person's groups.
/// A grant that would close a cycle is refused (checked with the write, so two grants cannot build one together).
/// </summary>
public sealed class DelegateAuthority(IDelegations delegations)
{
    public const int MaxGroups = 100;

    public static IReadOnlyList<FieldError> Validate(DelegationInput input)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(input.To))
        {
            errors.Add(new("to", "is required."));
        }
        else
        {
            errors.AtMost("to", input.To, RequestValidator.MaxIdLength);
        }

        errors.AtMost("from", input.From, RequestValidator.MaxIdLength);

        if (input.StartsAt is null)
        {
            errors.Add(new("startsAt", "is required."));
        }

        if (input.EndsAt is null || input.StartsAt is not null && input.EndsAt <= input.StartsAt)
        {
            errors.Add(new("endsAt", "is required and must be after startsAt."));
        }

        if (input.Groups is { } groups && (groups.Count > MaxGroups || groups.Any(g => string.IsNullOrWhiteSpace(g) || g.Length > RequestValidator.MaxIdLength)))
        {
            errors.Add(new("groups", $"must hold at most {MaxGroups} names of 1-{RequestValidator.MaxIdLength} characters."));
        }

        return errors;
    }

    public async Task<Result<DelegationGrant>> HandleAsync(Actor who, DelegationInput input)
    {
        if (Refusal.Check(Validate(input), who, UserRoles.Approver, UserRoles.Admin) is { } refused)
        {
            return refused;
        }

        var from = string.IsNullOrWhiteSpace(input.From) ? who.User : input.From.Trim();
        IReadOnlyList<string> groups;
        if (from == who.User)
        {
            groups = who.Groups;
        }
        else if (who.Is(UserRoles.Admin))
        {
            // The server knows a person's groups only from their token: an admin delegating for someone names them.
            groups = input.Groups ?? [];
        }
        else
        {
            return Refusal.Forbidden("only an admin may delegate on someone else's behalf");
        }

        var grant = new DelegationGrant(Guid.NewGuid(), from, input.To!.Trim(), groups, input.StartsAt!.Value, input.EndsAt!.Value);
        if (await delegations.CreateAsync(grant, who.User) is { } cycle)
        {
            return Refusal.Conflict(
                "Delegation cycle",
                $"This delegation would close a cycle: {string.Join(" → ", cycle)}.",
                extensions: new Dictionary<string, object?> { ["cycle"] = cycle });
        }

        return grant;
    }
}
