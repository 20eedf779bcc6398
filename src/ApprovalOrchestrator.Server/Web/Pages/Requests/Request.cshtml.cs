using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Application.Requests;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages.Requests;

/// <summary>One request from intake to outcome: its timeline (the audit events), tasks, definition version and outcome.</summary>
public sealed class RequestModel(RequestQueries queries) : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public RequestView View { get; private set; } = null!;

    /// <summary>Still moving: the page refreshes itself until the request reaches a final status.</summary>
    public bool InFlight => InstanceStatusExtensions.TryParseWire(View.Status, out var s) && s is InstanceStatus.Received or InstanceStatus.AwaitingApproval or InstanceStatus.Executing or InstanceStatus.Halted;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await queries.GetAsync(Id) is not { } view)
        {
            return NotFoundPage($"There is no request {Id}.");
        }

        View = view;
        return RequestVisibility.MayRead(Me.AsActor(), view.Requester) ? Page() : await ForbiddenPageAsync("Only the requester, approvers, auditors and admins may read a request.");
    }
}
