using ApprovalOrchestrator.Application.Intake;
using ApprovalOrchestrator.Application.Requests;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Requests;

/// <summary><c>/api/requests</c>: submit an agent request, read one, list them.</summary>
public static class RequestEndpoints
{
    public static void MapRequests(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/requests").WithTags("Requests");
        group.MapPost("/", SubmitAsync).RequireAuthorization(Roles.Submitter);
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Roles.Reader);
        group.MapGet("/", ListAsync).RequireAuthorization(Roles.Reader);
        group.MapPost("/{id:guid}/withdraw", WithdrawAsync).RequireAuthorization(Roles.Submitter);
    }

    private static async Task<IResult> SubmitAsync(HttpRequest http, SubmitRequest submit)
    {
        var (command, problem) = await Problems.ReadJsonAsync<SubmitCommand>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var submitted = await submit.HandleAsync(command!, Caller.From(http.HttpContext.User).AsActor(), requestIdRequired: false, http.HttpContext.RequestAborted);
        return await submitted.ToHttpAsync(http.HttpContext, s => Results.Accepted(
            $"/api/requests/{s.Instance}",
            new SubmitResponse(s.Instance.Value, s.ClientRequestId.Value, s.Status, s.Duplicate)));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, RequestQueries queries, SecurityEventLog securityEvents)
    {
        if (await queries.GetAsync(id) is not { } view)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No request {id}.");
        }

        if (RequestVisibility.MayRead(Caller.From(http.User).AsActor(), view.Requester))
        {
            return Results.Ok(view);
        }

        // Someone else's request answers exactly like a missing one, so a submitter cannot even learn it exists; the
        // attempt is still recorded as a security event.
        await securityEvents.RecordAsync(StatusCodes.Status404NotFound, Caller.From(http.User).User, http.Request.Method, http.Request.Path.Value ?? "/", "only the requester, approvers, auditors and admins may read a request", http.Connection.RemoteIpAddress?.ToString());
        return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No request {id}.");
    }

    private static async Task<IResult> WithdrawAsync(Guid id, HttpContext http, WithdrawRequest withdraw)
    {
        var reason = http.Request.ContentLength is > 0 ? (await Problems.ReadJsonAsync<WithdrawBody>(http.Request, ApiJson.Strict)) : (new WithdrawBody(null), null);
        if (reason.Item2 is { } problem)
        {
            return problem;
        }

        var withdrawn = await withdraw.HandleAsync(Caller.From(http.User).AsActor(), new InstanceId(id), reason.Item1!.Reason, http.RequestAborted);
        return await withdrawn.ToHttpAsync(http, state => Results.Ok(new { id, status = state.Status.ToWire() }));
    }

    private static async Task<IResult> ListAsync(string? status, string? risk, int? offset, int? limit, string? cursor, HttpContext http, RequestQueries queries)
    {
        var errors = new List<FieldError>();
        if (status is not null && !InstanceStatusExtensions.TryParseWire(status, out _))
        {
            errors.Add(new("status", $"must be one of {string.Join(", ", Enum.GetValues<InstanceStatus>().Select(s => s.ToWire()))}."));
        }

        if (risk is not null && risk is not ("green" or "amber" or "red"))
        {
            errors.Add(new("risk", "must be green, amber or red."));
        }

        var page = Paging.Page(offset, limit, cursor, errors);
        return errors.Count > 0
            ? Problems.Validation(errors)
            : Results.Ok(await queries.ListAsync(status, risk, page, RequestVisibility.SeesAll(Caller.From(http.User).AsActor()) ? null : Caller.From(http.User).User));
    }

    public sealed record WithdrawBody(string? Reason);

    /// <summary>
    /// The answer to a submit: <see cref="Id"/> is the orchestrator's instance id, <see cref="ClientRequestId"/> the
    /// client's key (on the wire <c>requestId</c>). <see cref="Duplicate"/> is true when that key was seen before.
    /// </summary>
    public sealed record SubmitResponse(
        Guid Id,
        [property: System.Text.Json.Serialization.JsonPropertyName("requestId")] string ClientRequestId,
        string Status,
        bool Duplicate);
}
