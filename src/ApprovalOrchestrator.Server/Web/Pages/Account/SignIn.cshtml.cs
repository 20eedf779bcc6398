using System.Security.Claims;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Server.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Web.Pages.Account;

/// <summary>
/// Sign-in. With an OIDC provider and a console client configured, a visit goes straight to the provider (authorization
/// code + PKCE, <see cref="OidcSignIn"/>). Otherwise, and as a fallback, a pasted token (minted locally, or from the
/// provider) is validated by the same <see cref="TokenValidation"/> as the API, then exchanged for a cookie session
/// holding only the claims (the raw token is never stored or shown).
/// </summary>
public sealed class SignInModel(TokenValidation validation, SecurityEventLog log, IOptions<AuthOptions> auth, TimeProvider clock) : PageModel
{
    private static readonly string[] KnownRoles = [Roles.Submitter, Roles.Approver, Roles.Admin, Roles.Auditor];

    [BindProperty]
    public string? Token { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public string? Authority => auth.Value.Authority;

    public bool UsesLocalKey => auth.Value.UsesLocalKey;

    /// <summary>Why the provider's sign-in did not open a session (set by <see cref="OidcSignIn"/>'s redirect back).</summary>
    [BindProperty(SupportsGet = true, Name = "error")]
    public string? ProviderError { get; set; }

    public bool UsesOidcSignIn => auth.Value.UsesOidcSignIn;

    public IActionResult OnGet()
    {
        if (ProviderError is not null)
        {
            Error = ProviderError == "role"
                ? "The identity provider signed you in, but your account carries no console role (submitter, approver, admin or auditor)."
                : "The identity provider's sign-in did not complete. Try again.";
            return Page();
        }

        return UsesOidcSignIn ? OnGetProvider() : Page();
    }

    /// <summary>Starts the provider's sign-in, coming back to where the user was going.</summary>
    public IActionResult OnGetProvider() =>
        Challenge(new AuthenticationProperties { RedirectUri = ReturnUrl is { Length: > 0 } back && Url.IsLocalUrl(back) ? back : "/" }, OidcSignIn.Scheme);

    public async Task<IActionResult> OnPostAsync()
    {
        var token = Token?.Trim() ?? string.Empty;
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token["Bearer ".Length..].Trim();
        }

        if (token.Length == 0)
        {
            Error = "Paste a token to sign in.";
            return Page();
        }

        var (principal, tokenExpires, failure) = await validation.ValidateAsync(token, HttpContext.RequestAborted);
        var caller = principal is null ? null : Caller.From(principal);
        if (caller is not null && !caller.Roles.Any(KnownRoles.Contains))
        {
            failure = "the token carries no console role (submitter, approver, admin or auditor)";
            caller = null;
        }

        if (caller is null)
        {
            await log.RecordAsync(StatusCodes.Status401Unauthorized, "anonymous", Request.Method, Request.Path.Value ?? "/", "console sign-in: " + failure, HttpContext.Connection.RemoteIpAddress?.ToString());
            Error = $"This token was not accepted: {failure}.";
            Token = null;
            return Page();
        }

        var identity = new ClaimsIdentity(principal!.Claims.Select(c => new Claim(c.Type, c.Value)), ConsoleAuth.Scheme, Caller.UserClaim, Caller.RoleClaim);
        var now = clock.GetUtcNow();
        var expires = tokenExpires is { } exp && exp < now + ConsoleAuth.MaxSession ? exp : now + ConsoleAuth.MaxSession;
        await HttpContext.SignInAsync(ConsoleAuth.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false, ExpiresUtc = expires, IssuedUtc = now });
        return LocalRedirect(ReturnUrl is { Length: > 0 } back && Url.IsLocalUrl(back) ? back : "/");
    }
}
