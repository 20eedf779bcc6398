using System.Security.Claims;
using ApprovalOrchestrator.Application.Identity;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>The authenticated caller: user id from <c>sub</c>, groups and roles from the configured claims.</summary>
public sealed record Caller(string User, IReadOnlyList<string> Groups, IReadOnlyList<string> Roles)
{
    public const string UserClaim = "sub";
    public const string GroupClaim = "group";
    public const string RoleClaim = "role";

    public bool Is(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>The caller as the use cases see them: verified by a token (or the console session, which holds one).</summary>
    public Actor AsActor() => new(User, Groups, Roles);

    public static Caller From(ClaimsPrincipal principal) => new(
        principal.FindFirstValue(UserClaim) ?? throw new InvalidOperationException("An authenticated caller without a subject."),
        principal.FindAll(GroupClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray(),
        principal.FindAll(RoleClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray());
}
