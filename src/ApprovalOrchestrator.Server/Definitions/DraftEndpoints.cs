using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Definitions;

/// <summary>
/// <c>/api/definitions/drafts</c>: working copies, saved valid or not (with the errors and warnings found), published
/// by id. The source is the raw body (see <see cref="DefinitionBody"/>).
/// </summary>
public static class DraftEndpoints
{
    public static void MapDrafts(this RouteGroupBuilder definitions)
    {
        var group = definitions.MapGroup("/drafts");
        group.MapPost("/", CreateAsync).RequireAuthorization(Roles.Admin);
        group.MapGet("/", ListAsync).RequireAuthorization(Roles.DefinitionReader);
        group.MapGet("/{draftId:guid}", GetAsync).RequireAuthorization(Roles.DefinitionReader);
        group.MapPut("/{draftId:guid}", UpdateAsync).RequireAuthorization(Roles.Admin);
        group.MapDelete("/{draftId:guid}", DeleteAsync).RequireAuthorization(Roles.Admin);
        group.MapPost("/{draftId:guid}/publish", PublishAsync).RequireAuthorization(Roles.Admin);
    }

    private static async Task<IResult> CreateAsync(HttpRequest http, DefinitionCatalog catalog)
    {
        var (source, problem) = await DefinitionBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        if (catalog.Validate(source!) is { IsRefused: true } refused)
        {
            return DefinitionProblems.Refused(refused);
        }

        var draft = await catalog.SaveDraftAsync(source!, Caller.From(http.HttpContext.User).User);
        return Results.Created($"/api/definitions/drafts/{draft.DraftId}", DefinitionViews.Draft(draft, withSource: false));
    }

    private static async Task<IResult> UpdateAsync(Guid draftId, HttpRequest http, DefinitionCatalog catalog)
    {
        var (source, problem) = await DefinitionBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        if (catalog.Validate(source!) is { IsRefused: true } refused)
        {
            return DefinitionProblems.Refused(refused);
        }

        try
        {
            var draft = await catalog.SaveDraftAsync(source!, Caller.From(http.HttpContext.User).User, draftId);
            return Results.Ok(DefinitionViews.Draft(draft, withSource: false));
        }
        catch (DefinitionNotFoundException ex)
        {
            return DefinitionProblems.NotFound(ex.Message);
        }
    }

    private static async Task<IResult> ListAsync(string? definitionId, DefinitionCatalog catalog) =>
        Results.Ok((await catalog.ListDraftsAsync(definitionId)).Select(d => DefinitionViews.Draft(d, withSource: false)));

    private static async Task<IResult> GetAsync(Guid draftId, DefinitionCatalog catalog) =>
        await catalog.GetDraftAsync(draftId) is { } draft ? Results.Ok(DefinitionViews.Draft(draft, withSource: true)) : DefinitionProblems.NotFound($"No draft {draftId}.");

    private static async Task<IResult> DeleteAsync(Guid draftId, HttpContext http, DefinitionCatalog catalog) =>
        await catalog.DeleteDraftAsync(draftId, Caller.From(http.User).User) ? Results.NoContent() : DefinitionProblems.NotFound($"No draft {draftId}.");

    /// <summary>Re-validated now (the directory may have changed since it was saved); the draft is deleted once published.</summary>
    private static async Task<IResult> PublishAsync(Guid draftId, HttpRequest http, DefinitionCatalog catalog)
    {
        var (body, problem) = await Problems.ReadJsonAsync<DefinitionEndpoints.CommentBody>(http, ApiJson.Strict);
        if ((problem ?? DefinitionProblems.RequireComment(body?.Comment)) is { } refused)
        {
            return refused;
        }

        return await DefinitionEndpoints.PublishResultAsync(() => catalog.PublishDraftAsync(draftId, Caller.From(http.HttpContext.User).User, body!.Comment));
    }
}
