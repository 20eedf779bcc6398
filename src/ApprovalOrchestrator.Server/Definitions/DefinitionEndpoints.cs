using System.Text;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Definitions;

/// <summary>
/// <c>/api/definitions</c>: published versions (list, read, export, retract, revert, publish). Drafts are in
/// <see cref="DraftEndpoints"/>, validate / what-if / diff in <see cref="CheckEndpoints"/>. Admins change; admins and
/// auditors read; the schema is public (it says nothing about policy, and editors fetch it without a token).
/// </summary>
public static class DefinitionEndpoints
{
    public static void MapDefinitions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/definitions").WithTags("Definitions");
        group.MapGet("/schema", () => Results.Text(DefinitionSchema.Json, "application/schema+json", Encoding.UTF8)).AllowAnonymous();
        group.MapGet("/", ListAsync).RequireAuthorization(Roles.DefinitionReader);
        group.MapGet("/{id}", GetDefinitionAsync).RequireAuthorization(Roles.DefinitionReader);
        group.MapGet("/{id}/versions/{version}", GetVersionAsync).RequireAuthorization(Roles.DefinitionReader);
        group.MapGet("/{id}/versions/{version}/export", ExportAsync).RequireAuthorization(Roles.DefinitionReader);
        group.MapPost("/{id}/versions/{version}/retract", RetractAsync).RequireAuthorization(Roles.Admin);
        group.MapPost("/{id}/versions/{version}/revert", RevertAsync).RequireAuthorization(Roles.Admin);
        group.MapPost("/publish", PublishSourceAsync).RequireAuthorization(Roles.Admin);
        group.MapDrafts();
        group.MapChecks();
    }

    private static async Task<IResult> ListAsync(DefinitionCatalog catalog) => Results.Ok(DefinitionViews.List(await catalog.ListAsync()));

    private static async Task<IResult> GetDefinitionAsync(string id, DefinitionCatalog catalog) =>
        DefinitionViews.List(await catalog.ListAsync(id)) is [var item] ? Results.Ok(item) : DefinitionProblems.NotFound($"No definition '{id}'.");

    private static async Task<IResult> GetVersionAsync(string id, string version, DefinitionCatalog catalog)
    {
        var (found, problem) = await FindAsync(id, version, catalog);
        if (problem is not null)
        {
            return problem;
        }

        var (info, source) = found!.Value;
        var parsed = await catalog.GetAsync(id, info.Version);
        return Results.Ok(new VersionDetail(id, DefinitionViews.Version(info), DefinitionViews.Summary(parsed!.Definition), source));
    }

    /// <summary>The source exactly as published (same bytes), as a download named after the definition and version.</summary>
    private static async Task<IResult> ExportAsync(string id, string version, DefinitionCatalog catalog)
    {
        var (found, problem) = await FindAsync(id, version, catalog);
        if (problem is not null)
        {
            return problem;
        }

        var (info, source) = found!.Value;
        var (contentType, extension) = DefinitionBody.Format(source);
        return Results.Bytes(new UTF8Encoding(false).GetBytes(source), contentType, $"{id}-v{info.Version}.{extension}");
    }

    private static async Task<IResult> RetractAsync(string id, string version, HttpRequest http, DefinitionCatalog catalog)
    {
        if (!DefinitionProblems.TryParseVersion(version, out var v) || v is null)
        {
            return Problems.Validation([new Core.Intake.FieldError("version", "must be a version number (1, 2, …).")]);
        }

        var (body, problem) = await Problems.ReadJsonAsync<CommentBody>(http, ApiJson.Strict);
        if ((problem ?? DefinitionProblems.RequireComment(body?.Comment)) is { } refused)
        {
            return refused;
        }

        try
        {
            var retracted = await catalog.RetractAsync(id, v.Value, Caller.From(http.HttpContext.User).User, body!.Comment);
            var latest = await catalog.GetLatestAsync(id);
            return Results.Ok(new { id, version = v.Value, retracted, latestVersion = latest?.Ref.Version });
        }
        catch (DefinitionNotFoundException ex)
        {
            return DefinitionProblems.NotFound(ex.Message);
        }
    }

    private static async Task<IResult> RevertAsync(string id, string version, HttpRequest http, DefinitionCatalog catalog)
    {
        if (!DefinitionProblems.TryParseVersion(version, out var v) || v is null)
        {
            return Problems.Validation([new Core.Intake.FieldError("version", "must be a version number (1, 2, …).")]);
        }

        var (body, problem) = await Problems.ReadJsonAsync<CommentBody>(http, ApiJson.Strict);
        if ((problem ?? DefinitionProblems.RequireComment(body?.Comment)) is { } refused)
        {
            return refused;
        }

        return await PublishResultAsync(() => catalog.RevertAsync(id, v.Value, Caller.From(http.HttpContext.User).User, body!.Comment));
    }

    /// <summary><c>POST /api/definitions/publish?comment=…</c> with the source as the raw body.</summary>
    private static async Task<IResult> PublishSourceAsync(string? comment, HttpRequest http, DefinitionCatalog catalog)
    {
        if (DefinitionProblems.RequireComment(comment) is { } refused)
        {
            return refused;
        }

        var (source, problem) = await DefinitionBody.ReadAsync(http);
        return problem ?? await PublishResultAsync(() => catalog.PublishAsync(source!, Caller.From(http.HttpContext.User).User, comment));
    }

    /// <summary>201 with the new version, 200 when the content equals the latest (nothing stored), 422 listing every error.</summary>
    internal static async Task<IResult> PublishResultAsync(Func<Task<(DefinitionRef Ref, bool Created)>> publish)
    {
        try
        {
            var (reference, created) = await publish();
            var view = new PublishView(reference.Id, reference.Version, reference.Hash, created);
            return created ? Results.Created($"/api/definitions/{Uri.EscapeDataString(reference.Id)}/versions/{reference.Version}", view) : Results.Ok(view);
        }
        catch (DefinitionInvalidException ex)
        {
            return DefinitionProblems.Invalid(ex.Errors);
        }
        catch (DefinitionNotFoundException ex)
        {
            return DefinitionProblems.NotFound(ex.Message);
        }
    }

    /// <summary>A version by number or <c>latest</c>, with its source.</summary>
    internal static async Task<((DefinitionVersionInfo Info, string Source)? Found, IResult? Problem)> FindAsync(string id, string version, DefinitionCatalog catalog)
    {
        if (!DefinitionProblems.TryParseVersion(version, out var v))
        {
            return (null, DefinitionProblems.BadVersion("version"));
        }

        var number = v ?? (await catalog.GetLatestAsync(id))?.Ref.Version;
        var found = number is int n ? await catalog.GetSourceAsync(id, n) : null;
        return found is null ? (null, DefinitionProblems.NotFound(v is null ? $"'{id}' has no version in force." : $"No version {v} of '{id}'.")) : (found, null);
    }

    public sealed record CommentBody(string? Comment);
}
