namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// The acting user, from the <c>X-User</c> and <c>X-Groups</c> headers. Interim: these headers are not authenticated,
/// so audit records name such actors as unauthenticated. JWT bearer authentication replaces this.
/// </summary>
public sealed record HeaderIdentity(string User, IReadOnlyList<string> Groups)
{
    public const string UserHeader = "X-User";
    public const string GroupsHeader = "X-Groups";

    public string AuditActor => $"{User} (unauthenticated)";

    public static HeaderIdentity? From(HttpRequest request)
    {
        var user = request.Headers[UserHeader].ToString().Trim();
        if (user.Length == 0)
        {
            return null;
        }

        var groups = request.Headers[GroupsHeader].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return new HeaderIdentity(user, groups);
    }
}
