using ApprovalOrchestrator.Application.Controls;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Controls;

/// <summary>
/// <c>/api/controls</c>: the kill switch. Admins halt and resume (adapters over Application/Controls); admins and
/// auditors list the halts in force.
/// </summary>
public static class ControlEndpoints
{
    public static void MapControls(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/controls").WithTags("Controls");
        group.MapGet("/", ListAsync).RequireAuthorization(Roles.AuditReader);
        group.MapPost("/halt", HaltAsync).RequireAuthorization(Roles.Admin);
        group.MapPost("/resume", ResumeAsync).RequireAuthorization(Roles.Admin);
    }

    /// <summary><c>GET /api/controls</c>: <c>{ halted, halts: [...] }</c>, read from the store.</summary>
    private static async Task<IResult> ListAsync(IExecutionControls controls)
    {
        var halts = (await controls.InForceAsync()).Select(HaltRecord.Of).ToList();
        return Results.Ok(new { halted = halts.Count > 0, halts });
    }

    private static async Task<IResult> HaltAsync(HttpRequest http, HaltExecution halt)
    {
        var (body, problem) = await Problems.ReadJsonAsync<HaltInput>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var result = await halt.HandleAsync(Caller.From(http.HttpContext.User).AsActor(), body!);
        return await result.ToHttpAsync(http.HttpContext, h => Results.Created($"/api/controls/halts/{h.Id}", h));
    }

    private static async Task<IResult> ResumeAsync(HttpRequest http, ResumeExecution resume)
    {
        var (body, problem) = await Problems.ReadJsonAsync<ResumeInput>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        var result = await resume.HandleAsync(Caller.From(http.HttpContext.User).AsActor(), body!);
        return await result.ToHttpAsync(http.HttpContext, Results.Ok);
    }
}
