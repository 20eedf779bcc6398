using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Identity;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages;

/// <summary>The start page sends each person to what their role is for; a submitter sees their own requests.</summary>
public sealed class IndexModel(RequestQueries queries) : ConsolePage
{
    public IReadOnlyList<RequestView> Own { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Me.Is(Roles.Approver))
        {
            return LocalRedirect("/inbox");
        }

        if (Me.Is(Roles.Admin))
        {
            return LocalRedirect("/definitions");
        }

        if (Me.Is(Roles.Auditor))
        {
            return LocalRedirect("/audit");
        }

        Own = (await queries.SearchAsync(new RequestFilter(Requester: Me.User), PageRequest.First(50))).Items;
        return Page();
    }
}
