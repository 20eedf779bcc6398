using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Server.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace ApprovalOrchestrator.Server.Web;

/// <summary>What every console page shares: the signed-in caller, and refusals shown as messages on a page.</summary>
public abstract class ConsolePage : PageModel
{
    public Caller Me => Caller.From(User);

    /// <summary>A message for the person, shown above the page's content (set by handlers, or carried across a redirect).</summary>
    [TempData]
    public string? Flash { get; set; }

    /// <summary>Whether <see cref="Flash"/> reports a refusal (styled as an error) or a success.</summary>
    [TempData]
    public bool FlashIsError { get; set; }

    /// <summary>
    /// A rule, not a role, refused this person (own request, not in the group): recorded in the security log like the
    /// API's refusals, and returned as a message on the page.
    /// </summary>
    protected async Task<string> RecordRefusalAsync(string why)
    {
        var log = HttpContext.RequestServices.GetRequiredService<SecurityEventLog>();
        await log.RecordAsync(StatusCodes.Status403Forbidden, Me.User, Request.Method, Request.Path.Value ?? "/", why, HttpContext.Connection.RemoteIpAddress?.ToString());
        return why;
    }

    /// <summary>A 403 page with a message (the layout stays, so the person can go elsewhere).</summary>
    protected async Task<IActionResult> ForbiddenPageAsync(string why)
    {
        await RecordRefusalAsync(why);
        return MessagePage(StatusCodes.Status403Forbidden, new PageMessage("Not allowed", why));
    }

    protected IActionResult NotFoundPage(string what) =>
        MessagePage(StatusCodes.Status404NotFound, new PageMessage("Not found", what));

    /// <summary>A full page (with the layout) that says one thing, with its status code.</summary>
    private ViewResult MessagePage(int status, PageMessage message) =>
        new() { ViewName = "_Message", StatusCode = status, ViewData = new ViewDataDictionary<PageMessage>(ViewData, message) };
}

/// <summary>A whole page that only says one thing (not found, not allowed).</summary>
public sealed record PageMessage(string Title, string Text);
