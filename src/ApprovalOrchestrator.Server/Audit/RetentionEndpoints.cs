using ApprovalOrchestrator.Runtime.Audit;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Audit;

/// <summary><c>POST /api/requests/{id}/erase</c> (admin): erase a finished request's content after its retention period.</summary>
public static class RetentionEndpoints
{
    public static void MapRetention(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/requests/{id:guid}/erase", EraseAsync).WithTags("Audit").RequireAuthorization(Roles.Admin);

    private static async Task<IResult> EraseAsync(Guid id, HttpContext http, RetentionService retention)
    {
        var body = http.Request.ContentLength is > 0 ? await Problems.ReadJsonAsync<EraseBody>(http.Request, ApiJson.Strict) : (new EraseBody(null), null);
        if (body.Item2 is { } problem)
        {
            return problem;
        }

        var result = await retention.EraseAsync(id, Caller.From(http.User).User, body.Item1!.Comment);
        return result.Outcome switch
        {
            ErasureOutcome.Erased => Results.Ok(new { requestId = id, erasedEvents = result.Events, message = result.Message }),
            ErasureOutcome.NotFound => Problems.Status(StatusCodes.Status404NotFound, "Not found", result.Message),
            _ => Problems.Status(StatusCodes.Status409Conflict, "Not erasable", result.Message),
        };
    }

    public sealed record EraseBody(string? Comment);
}
