using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
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

    private static async Task<IResult> SubmitAsync(HttpRequest http, WorkflowEngine engine)
    {
        var (command, problem) = await Problems.ReadJsonAsync<SubmitCommand>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        // The requester is the token's subject. Naming someone else would let a person launder their own request
        // through another name and then approve it, so a different requester is refused rather than trusted.
        var caller = Caller.From(http.HttpContext.User);
        if (command!.Requester is { } named && !string.Equals(named, caller.User, StringComparison.Ordinal))
        {
            return await Refusals.ForbiddenAsync(http.HttpContext, $"requester '{named}' is not the authenticated user; omit it or send '{caller.User}'");
        }

        command = command with { Requester = caller.User };

        var errors = RequestValidator.Validate(command!);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var result = await engine.SubmitAsync(command!, http.HttpContext.RequestAborted, caller.Groups);
        if (result.Kind == WorkflowEngine.SubmitKind.Forbidden)
        {
            return await Refusals.ForbiddenAsync(http.HttpContext, result.Errors);
        }

        return result.Kind switch
        {
            WorkflowEngine.SubmitKind.Invalid => Problems.Validation(result.Errors),
            WorkflowEngine.SubmitKind.Conflict => Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "requestId already used",
                detail: $"You already submitted requestId '{command!.RequestId}' with different content (request {result.ConflictingId}). Use a new requestId for a new request.",
                extensions: new Dictionary<string, object?> { ["existingId"] = result.ConflictingId }),
            _ => Results.Accepted(
                $"/api/requests/{result.Instance!.Id}",
                new SubmitResponse(result.Instance.Id, result.Instance.Request.RequestId, result.Instance.Status.ToWire(), result.Kind == WorkflowEngine.SubmitKind.Existing)),
        };
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, RequestQueries queries, SecurityEventLog securityEvents)
    {
        if (await queries.GetAsync(id) is not { } view)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No request {id}.");
        }

        if (SeesAll(Caller.From(http.User)) || view.Requester == Caller.From(http.User).User)
        {
            return Results.Ok(view);
        }

        // Someone else's request answers exactly like a missing one, so a submitter cannot even learn it exists; the
        // attempt is still recorded as a security event.
        await securityEvents.RecordAsync(StatusCodes.Status404NotFound, Caller.From(http.User).User, http.Request.Method, http.Request.Path.Value ?? "/", "only the requester, approvers, auditors and admins may read a request", http.Connection.RemoteIpAddress?.ToString());
        return Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No request {id}.");
    }

    /// <summary>Approvers, auditors and admins read every request; a submitter only their own.</summary>
    private static bool SeesAll(Caller caller) => caller.Is(Roles.Approver) || caller.Is(Roles.Auditor) || caller.Is(Roles.Admin);

    private static async Task<IResult> WithdrawAsync(Guid id, HttpContext http, WorkflowEngine engine)
    {
        var reason = http.Request.ContentLength is > 0 ? (await Problems.ReadJsonAsync<WithdrawBody>(http.Request, ApiJson.Strict)) : (new WithdrawBody(null), null);
        if (reason.Item2 is { } problem)
        {
            return problem;
        }

        var caller = Caller.From(http.User);
        var step = await engine.ApplyAsync(id, (_, _) => new RequestWithdrawn(caller.User, reason.Item1!.Reason), cancellationToken: http.RequestAborted);
        return step switch
        {
            null => Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No request {id}."),
            { Outcome: StepOutcome.Refused, Refusal: RefusalReason.NotRequester } => await Refusals.ForbiddenAsync(http, step.Message!),
            { Outcome: StepOutcome.Refused } => Problems.Status(StatusCodes.Status409Conflict, "Cannot withdraw", step.Message!),
            _ => Results.Ok(new { id, status = step.State.Status.ToWire() }),
        };
    }

    private static async Task<IResult> ListAsync(string? status, string? risk, int? offset, int? limit, HttpContext http, RequestQueries queries)
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

        errors.AddRange(Paging.Validate(offset, limit));
        return errors.Count > 0
            ? Problems.Validation(errors)
            : Results.Ok(await queries.ListAsync(status, risk, offset ?? 0, limit ?? Paging.DefaultLimit, SeesAll(Caller.From(http.User)) ? null : Caller.From(http.User).User));
    }

    public sealed record WithdrawBody(string? Reason);

    /// <summary>The answer to a submit. <see cref="Duplicate"/> is true when the requestId was seen before.</summary>
    public sealed record SubmitResponse(Guid Id, string RequestId, string Status, bool Duplicate);
}
