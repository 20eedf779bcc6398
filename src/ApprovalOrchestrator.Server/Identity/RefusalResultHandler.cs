using ApprovalOrchestrator.Runtime.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>Turns authorization refusals into problem-details 401/403 and records each in the security log.</summary>
public sealed class RefusalResultHandler(SecurityEventLog log) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (Web.ConsoleAuth.IsConsolePolicy(policy) && (authorizeResult.Challenged || authorizeResult.Forbidden))
        {
            await ConsoleRefusalAsync(context, authorizeResult);
            return;
        }

        if (authorizeResult.Challenged)
        {
            var why = context.Items[JwtAuthentication.FailureItem] as string ?? "not authenticated";
            context.Response.Headers.WWWAuthenticate = why == "no bearer token" ? "Bearer" : "Bearer error=\"invalid_token\"";
            await Refusals.WriteAsync(context, log, StatusCodes.Status401Unauthorized, "Authentication required", why, actor: "anonymous");
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var roles = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToArray() ?? [];
            var why = roles.Length > 0 ? $"requires role {string.Join(" or ", roles)}" : "not allowed";
            await Refusals.WriteAsync(context, log, StatusCodes.Status403Forbidden, "Forbidden", why);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    /// <summary>
    /// Console pages: no session → the sign-in page (the ordinary way in, not recorded); a session without the role → a
    /// 403 page, recorded like the API's refusals.
    /// </summary>
    private async Task ConsoleRefusalAsync(HttpContext context, PolicyAuthorizationResult result)
    {
        if (result.Challenged)
        {
            var back = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
            context.Response.Redirect($"{Web.ConsoleAuth.SignInPath}?returnUrl={Uri.EscapeDataString(back)}");
            return;
        }

        var roles = result.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToArray() ?? [];
        var why = roles.Length > 0 ? $"requires the role {string.Join(" or ", roles)}" : "is not allowed to you";
        await log.RecordAsync(StatusCodes.Status403Forbidden, context.User.FindFirst(Caller.UserClaim)?.Value ?? "anonymous", context.Request.Method, context.Request.Path.Value ?? "/", why, context.Connection.RemoteIpAddress?.ToString());
        await Web.ConsoleErrorPage.WriteAsync(context, StatusCodes.Status403Forbidden, "Not allowed", $"This page {why}; your session does not have it.");
    }
}
