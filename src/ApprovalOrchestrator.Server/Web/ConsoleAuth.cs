using ApprovalOrchestrator.Server.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace ApprovalOrchestrator.Server.Web;

/// <summary>
/// The console's cookie session and its policies. The API keeps bearer-only authentication (its policies use the default
/// scheme), and the console's policies name only the cookie scheme: a cookie never authenticates an API call, so the API
/// needs no antiforgery, and a bearer token never opens a page.
/// </summary>
public static class ConsoleAuth
{
    public const string Scheme = "Console";
    public const string CookieName = "ao.console";
    public const string SignInPath = "/account/sign-in";

    /// <summary>Policy names: the API's role policies, on the cookie scheme.</summary>
    public const string Approver = "console:" + Roles.Approver;
    public const string Admin = "console:" + Roles.Admin;
    public const string AuditReader = "console:" + Roles.AuditReader;
    public const string Reader = "console:" + Roles.Reader;

    /// <summary>The longest a console session lasts, even when the token it was opened with lives longer.</summary>
    public static readonly TimeSpan MaxSession = TimeSpan.FromHours(8);

    public static IServiceCollection AddConsoleAuth(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = SignInPath;
            o.ExpireTimeSpan = MaxSession;
            o.SlidingExpiration = false;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "ao.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Approver, Policy(Roles.Approver))
            .AddPolicy(Admin, Policy(Roles.Admin))
            .AddPolicy(AuditReader, Policy(Roles.Auditor, Roles.Admin))
            .AddPolicy(Reader, Policy(Roles.Submitter, Roles.Approver, Roles.Auditor, Roles.Admin));
        return services;
    }

    public static bool IsConsolePolicy(AuthorizationPolicy policy) => policy.AuthenticationSchemes.Contains(Scheme);

    private static AuthorizationPolicy Policy(params string[] roles) =>
        new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().RequireRole(roles).Build();
}
