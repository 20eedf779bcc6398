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
}
