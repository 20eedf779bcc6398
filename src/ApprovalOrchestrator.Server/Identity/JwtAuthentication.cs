using ApprovalOrchestrator.Runtime.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Bearer-token authentication (the JwtBearer handler, configured by <see cref="BearerOptionsSetup"/>) and the role
/// policies. The handler's events feed our refusal path: why a token was refused goes to the 401 body and the
/// security log as a short fixed reason (<see cref="TokenFailures"/>).
/// </summary>
public static class JwtAuthentication
{
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>Where the handler leaves why a token was refused, for the 401 body and the security log.</summary>
    public const string FailureItem = "ao.auth.failure";

    public static IServiceCollection AddOrchestratorAuth(this IServiceCollection services)
    {
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, BearerOptionsSetup>();
        services.AddSingleton<TokenValidation>();
        services.AddSingleton<IBearerTokenVerifier, BearerTokenVerifier>(); // bus decisions: the same validation
        services.AddAuthentication(Scheme).AddJwtBearer(Scheme, o => o.Events = Events());
        services.AddOidcSignIn();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalResultHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.Submitter, p => p.RequireRole(Roles.Submitter))
            .AddPolicy(Roles.Approver, p => p.RequireRole(Roles.Approver))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.Auditor, p => p.RequireRole(Roles.Auditor))
            .AddPolicy(Roles.Reader, p => p.RequireRole(Roles.Submitter, Roles.Approver, Roles.Auditor, Roles.Admin))
            .AddPolicy(Roles.AuditReader, p => p.RequireRole(Roles.Auditor, Roles.Admin))
            .AddPolicy(Roles.DefinitionReader, p => p.RequireRole(Roles.Auditor, Roles.Admin))
            .AddPolicy(Roles.Delegator, p => p.RequireRole(Roles.Approver, Roles.Admin));
        return services;
    }

    /// <summary>Builds the validation configuration now, so a misfiled key or a missing audience stops the start.</summary>
    public static void EnsureConfigured(IServiceProvider services) =>
        _ = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(Scheme);

    private static JwtBearerEvents Events() => new()
    {
        OnMessageReceived = context =>
        {
            string header = context.Request.Headers.Authorization.ToString();
            if (header.Length == 0)
            {
                context.HttpContext.Items[FailureItem] = "no bearer token";
            }
            else if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                context.HttpContext.Items[FailureItem] = "not a bearer token";
            }

            return Task.CompletedTask;
        },
        OnAuthenticationFailed = context =>
        {
            context.HttpContext.Items[FailureItem] = TokenFailures.Describe(context.Exception);
            return Task.CompletedTask;
        },
        OnTokenValidated = context =>
        {
            var auth = context.HttpContext.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
            if (CallerClaims.Map(context.Principal?.Claims ?? [], auth, Scheme) is { } identity)
            {
                context.Principal = new System.Security.Claims.ClaimsPrincipal(identity);
            }
            else
            {
                context.HttpContext.Items[FailureItem] = TokenFailures.NoSubject;
                context.Fail(TokenFailures.NoSubject);
            }

            return Task.CompletedTask;
        },
        // Authorization refusals normally end in RefusalResultHandler; a challenge or forbid from anywhere else
        // (an endpoint calling Results.Challenge/Forbid) takes the same recorded problem-details path.
        OnChallenge = async context =>
        {
            context.HandleResponse();
            var why = context.HttpContext.Items[FailureItem] as string ?? "not authenticated";
            context.Response.Headers.WWWAuthenticate = why == "no bearer token" ? "Bearer" : "Bearer error=\"invalid_token\"";
            var log = context.HttpContext.RequestServices.GetRequiredService<SecurityEventLog>();
            await Refusals.WriteAsync(context.HttpContext, log, StatusCodes.Status401Unauthorized, "Authentication required", why, actor: "anonymous");
        },
        OnForbidden = async context =>
        {
            var log = context.HttpContext.RequestServices.GetRequiredService<SecurityEventLog>();
            await Refusals.WriteAsync(context.HttpContext, log, StatusCodes.Status403Forbidden, "Forbidden", "not allowed");
        },
    };
}
