using System.Text.Encodings.Web;
using ApprovalOrchestrator.Runtime.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Bearer-token authentication and the role policies. Our own small JWT handler: the Microsoft.IdentityModel versions
/// that JwtBearer 10 needs cannot be restored from this project's package source (see docs/auth.md).
/// </summary>
public static class JwtAuthentication
{
    public const string Scheme = "Bearer";

    /// <summary>Where the handler leaves why a token was refused, for the 401 body and the security log.</summary>
    public const string FailureItem = "ao.auth.failure";

    public static IServiceCollection AddOrchestratorAuth(this IServiceCollection services)
    {
        services.AddHttpClient(nameof(KeySource), c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<KeySource>();
        services.AddSingleton<JwtValidator>();
        services.AddSingleton<IBearerTokenVerifier, BearerTokenVerifier>(); // bus decisions: the same validator
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, BearerHandler>(Scheme, null);
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RefusalResultHandler>();
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

    private sealed class BearerHandler(
        IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, JwtValidator validator)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string header = Request.Headers.Authorization.ToString();
            if (header.Length == 0)
            {
                Context.Items[FailureItem] = "no bearer token";
                return AuthenticateResult.NoResult();
            }

            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                Context.Items[FailureItem] = "not a bearer token";
                return AuthenticateResult.NoResult();
            }

            var (principal, failure) = await validator.ValidateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
            if (principal is null)
            {
                Context.Items[FailureItem] = failure;
                return AuthenticateResult.Fail(failure!);
            }

            return AuthenticateResult.Success(new AuthenticationTicket(principal, JwtAuthentication.Scheme));
        }
    }
}
