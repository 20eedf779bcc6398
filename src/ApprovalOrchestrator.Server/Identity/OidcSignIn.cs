using System.Security.Claims;
using ApprovalOrchestrator.Runtime.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Console sign-in through the OpenID Connect provider (<c>Auth:Authority</c> with <c>Auth:ClientId</c>): authorization
/// code with PKCE, into the console's cookie session holding only our <see cref="Caller"/> claims (groups and roles
/// from <c>Auth:GroupsClaim</c>/<c>RolesClaim</c>); no token is stored. Without an authority the scheme is registered
/// but never challenged, and the token-paste sign-in is the way in.
/// </summary>
public static class OidcSignIn
{
    public const string Scheme = "oidc";
    public const string CallbackPath = "/account/signin-oidc";

    private static readonly string[] s_consoleRoles = [Roles.Submitter, Roles.Approver, Roles.Admin, Roles.Auditor];

    public static IServiceCollection AddOidcSignIn(this IServiceCollection services)
    {
        services.AddAuthentication().AddOpenIdConnect(Scheme, _ => { });
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<AuthOptions>>((o, auth) => Configure(o, auth.Value));
        return services;
    }

    private static void Configure(OpenIdConnectOptions o, AuthOptions auth)
    {
        if (!auth.UsesOidcSignIn)
        {
            // Never challenged (the sign-in page checks UsesOidcSignIn); a placeholder keeps the handler's checks quiet.
            o.Authority = "https://oidc-sign-in.invalid";
            o.ClientId = "unused";
            return;
        }

        o.Authority = auth.Authority;
        o.ClientId = auth.ClientId;
        o.ClientSecret = auth.ClientSecret;
        o.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        // A redirect back (GET): the correlation and nonce cookies can then be SameSite=Lax, which browsers keep over plain http too.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.CallbackPath = CallbackPath;
        o.SignInScheme = Web.ConsoleAuth.Scheme;
        o.SaveTokens = false;
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = true;
        o.Scope.Clear();
        o.Scope.Add(OpenIdConnectScope.OpenId);
        foreach (var scope in auth.Scopes)
        {
            o.Scope.Add(scope);
        }

        o.ClaimActions.MapJsonKey(auth.GroupsClaim, auth.GroupsClaim);
        o.ClaimActions.MapJsonKey(auth.RolesClaim, auth.RolesClaim);
        o.TokenValidationParameters.ClockSkew = auth.ClockSkew;
        o.Events = new OpenIdConnectEvents
        {
            OnTicketReceived = context => MapAsync(context, auth),
            OnRemoteFailure = async context =>
            {
                context.HandleResponse();
                await RecordAsync(context.HttpContext, "console sign-in: the provider's answer was refused");
                context.Response.Redirect($"{Web.ConsoleAuth.SignInPath}?error=provider");
            },
        };
    }

    /// <summary>Keeps only our caller claims in the session; a sign-in without a console role is refused and recorded.</summary>
    private static async Task MapAsync(TicketReceivedContext context, AuthOptions auth)
    {
        var identity = CallerClaims.Map(context.Principal?.Claims ?? [], auth, Web.ConsoleAuth.Scheme);
        if (identity is null || !identity.FindAll(Caller.RoleClaim).Any(r => s_consoleRoles.Contains(r.Value)))
        {
            context.HandleResponse();
            await RecordAsync(context.HttpContext, "console sign-in: the provider's identity carries no console role (submitter, approver, admin or auditor)");
            context.Response.Redirect($"{Web.ConsoleAuth.SignInPath}?error=role");
            return;
        }

        context.Principal = new ClaimsPrincipal(identity);
        context.Properties!.IsPersistent = false;
        context.Properties.ExpiresUtc = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + Web.ConsoleAuth.MaxSession;
    }

    private static Task RecordAsync(HttpContext context, string why) =>
        context.RequestServices.GetRequiredService<SecurityEventLog>().RecordAsync(
            StatusCodes.Status401Unauthorized, "anonymous", context.Request.Method, context.Request.Path.Value ?? "/", why, context.Connection.RemoteIpAddress?.ToString());
}
