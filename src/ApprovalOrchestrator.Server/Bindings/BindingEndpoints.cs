using ApprovalOrchestrator.Runtime.Bindings;
using ApprovalOrchestrator.Server.Definitions;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Bindings;

/// <summary>
/// <c>/api/bindings</c>: which workflow requests run under (by agent, by submitter group, default). Admins change them (each
/// change a new version with author, comment and hash, audited in <c>definition_events</c>); admins and auditors read.
/// </summary>
public static class BindingEndpoints
{
    public static void MapBindings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/bindings").WithTags("Bindings");
        group.MapGet("/", GetLatestAsync).RequireAuthorization(Roles.DefinitionReader);
        group.MapGet("/versions", ListAsync).RequireAuthorization(Roles.DefinitionReader);
        group.MapGet("/versions/{version:int}", GetAsync).RequireAuthorization(Roles.DefinitionReader);
        group.MapPut("/", PutAsync).RequireAuthorization(Roles.Admin);
    }

    private static async Task<IResult> GetLatestAsync(BindingCatalog catalog) =>
        await catalog.GetLatestAsync() is { } latest ? Results.Ok(View(latest)) : Problems.Status(StatusCodes.Status404NotFound, "Not found", "No bindings are stored yet.");

    private static async Task<IResult> ListAsync(BindingCatalog catalog) => Results.Ok((await catalog.ListAsync()).Select(View));

    private static async Task<IResult> GetAsync(int version, BindingCatalog catalog) =>
        await catalog.GetAsync(version) is { } found ? Results.Ok(View(found)) : Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No bindings version {version}.");

    /// <summary><c>PUT /api/bindings?comment=…&amp;expectedVersion=n</c> with the document as the JSON body.</summary>
    private static async Task<IResult> PutAsync(string? comment, int? expectedVersion, HttpRequest http, BindingCatalog catalog)
    {
        if (DefinitionProblems.RequireComment(comment) is { } refused)
        {
            return refused;
        }

        var (document, problem) = await Problems.ReadJsonAsync<BindingsDocument>(http, ApiJson.Strict);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var (version, created) = await catalog.PublishAsync(document!, Caller.From(http.HttpContext.User).User, comment, expectedVersion);
            return Results.Ok(new PutView(version.Version, version.Hash, created));
        }
        catch (BindingsInvalidException ex)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The bindings are invalid.",
                detail: $"{ex.Errors.Count} error(s): {string.Join("; ", ex.Errors)}",
                extensions: new Dictionary<string, object?> { ["errors"] = ex.Errors.Select(e => new { path = e.Field, message = e.Message }) });
        }
        catch (BindingsConflictException ex)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The bindings changed meanwhile",
                detail: $"{ex.Message} Read it again and re-apply the change.",
                extensions: new Dictionary<string, object?> { ["latestVersion"] = ex.Latest, ["errors"] = new Dictionary<string, string[]> { ["expectedVersion"] = [ex.Message] } });
        }
    }

    private static VersionView View(BindingsVersion v) => new(v.Version, v.Hash, v.Author, v.Comment, v.CreatedAt, v.IsFromConfiguration, v.Document);

    public sealed record VersionView(int Version, string Hash, string Author, string? Comment, DateTimeOffset CreatedAt, bool FromConfiguration, BindingsDocument Bindings);

    /// <summary><see cref="Created"/> is false when the document equals the latest version (nothing new was stored).</summary>
    public sealed record PutView(int Version, string Hash, bool Created);
}
