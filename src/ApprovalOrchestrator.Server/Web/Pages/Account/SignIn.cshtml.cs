using System.Buffers.Text;
using System.Security.Claims;
using System.Text.Json;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Server.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Web.Pages.Account;

/// <summary>
/// Sign-in with a token (minted locally, or pasted from the OIDC provider): validated by the same <see cref="JwtValidator"/>
/// as the API, then exchanged for a cookie session holding only the claims (the raw token is never stored or shown).
/// </summary>
public sealed class SignInModel(JwtValidator validator, SecurityEventLog log, IOptions<AuthOptions> auth, TimeProvider clock) : PageModel
{
    private static readonly string[] KnownRoles = [Roles.Submitter, Roles.Approver, Roles.Admin, Roles.Auditor];

    [BindProperty]
    public string? Token { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public string? Authority => auth.Value.Authority;

    public bool UsesLocalKey => auth.Value.UsesLocalKey;

    public void OnGet()
    {
    }

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

        var (principal, failure) = await validator.ValidateAsync(token, HttpContext.RequestAborted);
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
        var expires = ExpiryOf(token) is { } exp && exp < now + ConsoleAuth.MaxSession ? exp : now + ConsoleAuth.MaxSession;
        await HttpContext.SignInAsync(ConsoleAuth.Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false, ExpiresUtc = expires, IssuedUtc = now });
        return LocalRedirect(ReturnUrl is { Length: > 0 } back && Url.IsLocalUrl(back) ? back : "/");
    }

    /// <summary>The session ends when the token would have: read from the (already verified) payload.</summary>
    private static DateTimeOffset? ExpiryOf(string token)
    {
        try
        {
            var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[1])).RootElement;
            return payload.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
