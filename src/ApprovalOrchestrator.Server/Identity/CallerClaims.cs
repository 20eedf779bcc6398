using System.Security.Claims;
using ApprovalOrchestrator.Runtime.Identity;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Turns a validated token's (or OIDC sign-in's) claims into our <see cref="Caller"/> claims: <c>sub</c>, and one
/// <c>group</c>/<c>role</c> claim per entry of the configured groups/roles claims. One place, so the API, the bus and
/// the console read a token the same way.
/// </summary>
public static class CallerClaims
{
    /// <summary>The caller's identity, or null when the token names no subject.</summary>
    public static ClaimsIdentity? Map(IEnumerable<Claim> claims, AuthOptions options, string authenticationType)
    {
        var all = claims.ToList();
        if (all.FirstOrDefault(c => c.Type == Caller.UserClaim)?.Value is not { Length: > 0 } sub)
        {
            return null;
        }

        var mapped = new List<Claim> { new(Caller.UserClaim, sub) };
        mapped.AddRange(Values(all, options.GroupsClaim).Select(g => new Claim(Caller.GroupClaim, g)));
        mapped.AddRange(Values(all, options.RolesClaim).Select(r => new Claim(Caller.RoleClaim, r)));
        return new ClaimsIdentity(mapped, authenticationType, Caller.UserClaim, Caller.RoleClaim);
    }

    /// <summary>
    /// A claim as a list. A JSON array arrives as one claim per element; a single string may be space- or
    /// comma-separated, as some providers send roles.
    /// </summary>
    private static IEnumerable<string> Values(List<Claim> claims, string type)
    {
        var found = claims.Where(c => c.Type == type).Select(c => c.Value).ToList();
        // Several claims are a JSON array: each entry is taken exactly as issued (never trimmed, so "finance " is not
        // "finance"). One claim may be a provider's space- or comma-separated string.
        var values = found.Count > 1 ? found : found.SelectMany(v => v.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries));
        return values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal);
    }
}
