using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;

namespace ApprovalOrchestrator.Server.Requests;

/// <summary><c>/api/requests</c>: submit an agent request, read one, list them.</summary>
public static class RequestEndpoints
{
    public static void MapRequests(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/requests").WithTags("Requests");
        group.MapPost("/", SubmitAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapGet("/", ListAsync);
    }

    private static async Task<IResult> SubmitAsync(HttpRequest http, WorkflowEngine engine)
    {
        var (command, problem) = await Problems.ReadJsonAsync<SubmitCommand>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var errors = RequestValidator.Validate(command!);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var result = await engine.SubmitAsync(command!, http.HttpContext.RequestAborted);
        return result.Kind switch
        {
            WorkflowEngine.SubmitKind.Invalid => Problems.Validation(result.Errors),
            WorkflowEngine.SubmitKind.Conflict => Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "requestId already used",
                detail: $"requestId '{command!.RequestId}' was already submitted with different content (request {result.ConflictingId}). Use a new requestId for a new request.",
                extensions: new Dictionary<string, object?> { ["existingId"] = result.ConflictingId }),
            _ => Results.Accepted(
                $"/api/requests/{result.Instance!.Id}",
                new SubmitResponse(result.Instance.Id, result.Instance.Request.RequestId, result.Instance.Status.ToWire(), result.Kind == WorkflowEngine.SubmitKind.Existing)),
        };
    }

    private static async Task<IResult> GetAsync(Guid id, RequestQueries queries) =>
        await queries.GetAsync(id) is { } view
            ? Results.Ok(view)
            : Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No request {id}.");

    private static async Task<IResult> ListAsync(string? status, string? risk, int? offset, int? limit, RequestQueries queries)
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
            : Results.Ok(await queries.ListAsync(status, risk, offset ?? 0, limit ?? Paging.DefaultLimit));
    }

    /// <summary>The answer to a submit. <see cref="Duplicate"/> is true when the requestId was seen before.</summary>
    public sealed record SubmitResponse(Guid Id, string RequestId, string Status, bool Duplicate);
}
