using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Runtime.Identity;
using Microsoft.AspNetCore.Authentication;

namespace ApprovalOrchestrator.Server.Web.SignInLink;

/// <summary>
/// <c>GET /account/link?code=…</c>: redeems the start-up link for a console session as <see cref="LocalAdmin"/>. Answers
/// 404 unless this server printed a link (embedded default on loopback only); a spent or expired code is refused and logged.
/// </summary>
public static class SignInLinkEndpoint
{
    public const string Path = "/account/link";

    public static void MapSignInLink(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, RedeemAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> RedeemAsync(string? code, HttpContext http, SignInLinks links, DefinitionCatalog catalog, IConfiguration configuration, SecurityEventLog log, TimeProvider clock)
    {
        if (!links.Enabled)
        {
            return Results.NotFound();
        }

        if (!links.TryRedeem(code))
        {
            await log.RecordAsync(StatusCodes.Status401Unauthorized, "anonymous", http.Request.Method, Path, "console sign-in link: unknown, spent or expired code", http.Connection.RemoteIpAddress?.ToString());
            return Results.Content(
                "This sign-in link was already used or has expired (links are single-use and last 10 minutes). "
                + "Restart the server for a new one, or sign in at /account/sign-in with a token from `aoctl token issue`.",
                "text/plain; charset=utf-8",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        var now = clock.GetUtcNow();
        var identity = await LocalAdmin.IdentityAsync(catalog, configuration);
        await http.SignInAsync(ConsoleAuth.Scheme, new(identity), new AuthenticationProperties { IsPersistent = false, IssuedUtc = now, ExpiresUtc = now + ConsoleAuth.MaxSession });
        return Results.Redirect("/inbox");
    }
}
