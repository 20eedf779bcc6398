using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages.Account;

/// <summary>Ends the session (POST only, with antiforgery, so a link on another site cannot sign someone out).</summary>
public sealed class SignOutModel : ConsolePage
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleAuth.Scheme);
        return LocalRedirect(ConsoleAuth.SignInPath);
    }
}
