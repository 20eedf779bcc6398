using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Changes;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Definitions;

/// <summary>
/// Read-only checks before a change: validate, what-if (replay recorded requests under a draft) and diff. Admins and
/// auditors. Validating an invalid definition is not a failure: 200 with <c>valid: false</c>.
/// </summary>
public static class CheckEndpoints
{
    public static void MapChecks(this RouteGroupBuilder definitions)
    {
        definitions.MapPost("/validate", ValidateAsync).RequireAuthorization(Roles.DefinitionReader);
        definitions.MapPost("/whatif", WhatIfSourceAsync).RequireAuthorization(Roles.DefinitionReader);
        definitions.MapPost("/drafts/{draftId:guid}/whatif", WhatIfDraftAsync).RequireAuthorization(Roles.DefinitionReader);
        definitions.MapGet("/{id}/diff", DiffAsync).RequireAuthorization(Roles.DefinitionReader);
    }

    private static async Task<IResult> ValidateAsync(HttpRequest http, DefinitionCatalog catalog)
    {
        var (source, problem) = await DefinitionBody.ReadAsync(http);
        if (problem is not null)
        {
            return problem;
        }

        var parsed = catalog.Validate(source!);
        return parsed.IsRefused ? DefinitionProblems.Refused(parsed) : Results.Ok(DefinitionViews.Validation(parsed));
    }

    private static async Task<IResult> WhatIfSourceAsync(int? last, HttpRequest http, DefinitionCatalog catalog, RecordedRequests recorded)
    {
        var (source, problem) = await DefinitionBody.ReadAsync(http);
        return problem ?? await WhatIfAsync(source!, "source", last, catalog, recorded);
    }

    private static async Task<IResult> WhatIfDraftAsync(Guid draftId, int? last, DefinitionCatalog catalog, RecordedRequests recorded) =>
        await catalog.GetDraftAsync(draftId) is { } draft
            ? await WhatIfAsync(draft.Source, $"draft:{draftId}", last, catalog, recorded)
            : DefinitionProblems.NotFound($"No draft {draftId}.");

    /// <summary>The draft against the latest published version of the same id, over its last N recorded requests.</summary>
    private static async Task<IResult> WhatIfAsync(string source, string label, int? last, DefinitionCatalog catalog, RecordedRequests recorded)
    {
        if (last is < 1 or > RecordedRequests.MaxCount)
        {
            return Problems.Validation([new FieldError("last", $"must be between 1 and {RecordedRequests.MaxCount}.")]);
        }

        var parsed = catalog.Validate(source);
        if (parsed.Definition is not { } draft)
        {
            return DefinitionProblems.Invalid(parsed.Errors, parsed.Warnings);
        }

        if (await catalog.GetLatestAsync(draft.Id) is not { } current)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Nothing to compare with", $"'{draft.Id}' has no version in force; publish one first.");
        }

        var count = last ?? RecordedRequests.DefaultCount;
        var requests = await recorded.LastAsync(draft.Id, count);
        var report = WhatIf.Evaluate(requests, current.Definition, draft);
        return Results.Ok(new WhatIfView(
            draft.Id, new SideView($"v{current.Ref.Version}", current.Ref.Version, current.Ref.Hash), new SideView(label, null, parsed.Hash), count, report));
    }

    /// <summary><c>?from=&amp;to=</c>: each a version number, <c>latest</c>, or <c>draft:&lt;id&gt;</c>.</summary>
    private static async Task<IResult> DiffAsync(string id, string? from, string? to, DefinitionCatalog catalog)
    {
        var a = await ResolveAsync(id, from, "from", catalog);
        var b = await ResolveAsync(id, to, "to", catalog);
        if ((a.Problem ?? b.Problem) is { } problem)
        {
            return problem;
        }

        var result = DefinitionDiff.Compare(a.Definition!, b.Definition!);
        return Results.Ok(new DiffView(id, a.Side!, b.Side!, result.IsEmpty, result));
    }

    private static async Task<(WorkflowDefinition? Definition, SideView? Side, IResult? Problem)> ResolveAsync(string id, string? side, string field, DefinitionCatalog catalog)
    {
        if (string.IsNullOrEmpty(side))
        {
            return (null, null, Problems.Validation([new FieldError(field, "is required: a version number, 'latest' or 'draft:<draftId>'.")]));
        }

        if (side.StartsWith("draft:", StringComparison.Ordinal))
        {
            if (!Guid.TryParse(side["draft:".Length..], out var draftId) || await catalog.GetDraftAsync(draftId) is not { } draft)
            {
                return (null, null, DefinitionProblems.NotFound($"No draft {side["draft:".Length..]}."));
            }

            // A diff compares meaning, so a draft must parse; group checks do not matter for what changed.
            var parsed = DefinitionParser.Parse(draft.Source);
            if (parsed.Definition is null)
            {
                return (null, null, DefinitionProblems.Invalid(parsed.Errors, parsed.Warnings));
            }

            return parsed.Definition.Id == id
                ? (parsed.Definition, new SideView(side, null, parsed.Hash), null)
                : (null, null, Problems.Validation([new FieldError(field, $"draft {draftId} is of '{parsed.Definition.Id}', not '{id}'.")]));
        }

        var (found, problem) = await DefinitionEndpoints.FindAsync(id, side, catalog);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        var published = await catalog.GetAsync(id, found!.Value.Info.Version);
        return (published!.Definition, new SideView($"v{published.Ref.Version}", published.Ref.Version, published.Ref.Hash), null);
    }
}
