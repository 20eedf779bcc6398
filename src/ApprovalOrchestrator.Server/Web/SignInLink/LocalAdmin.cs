using System.Security.Claims;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Web.SignInLink;

/// <summary>
/// Who the start-up link signs in: <c>local-admin</c>, an admin, auditor and approver in every approver group the
/// published definitions name (so the inbox shows what waits), or in <c>Console:LocalAdminGroups</c> when configured.
/// Separation of duties still applies: the local admin never approves a request of their own.
/// </summary>
public static class LocalAdmin
{
    public const string User = "local-admin";

    public static async Task<ClaimsIdentity> IdentityAsync(DefinitionCatalog catalog, IConfiguration configuration)
    {
        var groups = configuration.GetSection("Console:LocalAdminGroups").Get<string[]>() is { Length: > 0 } configured
            ? configured
            : await DefinitionGroupsAsync(catalog);
        var claims = new List<Claim> { new(Caller.UserClaim, User) };
        claims.AddRange(new[] { Roles.Admin, Roles.Auditor, Roles.Approver }.Select(r => new Claim(Caller.RoleClaim, r)));
        claims.AddRange(groups.Select(g => new Claim(Caller.GroupClaim, g)));
        return new ClaimsIdentity(claims, ConsoleAuth.Scheme, Caller.UserClaim, Caller.RoleClaim);
    }

    private static async Task<string[]> DefinitionGroupsAsync(DefinitionCatalog catalog)
    {
        var groups = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var id in (await catalog.ListAsync()).Select(v => v.Id).Distinct(StringComparer.Ordinal))
        {
            if (await catalog.GetLatestAsync(id) is { } published)
            {
                groups.UnionWith(published.Definition.Routes.Values.SelectMany(r => r.Tiers).Select(t => t.Group));
            }
        }

        return [.. groups];
    }
}
