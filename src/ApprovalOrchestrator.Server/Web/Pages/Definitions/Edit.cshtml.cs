using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Definitions.Changes;
using ApprovalOrchestrator.Runtime.Definitions;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages.Definitions;

/// <summary>
/// The draft editor. Saving stores the draft (valid or not) and comes back to it showing, for the saved source: the
/// validation errors at their lines, the diff against the latest published version, and the what-if over the newest
/// recorded requests. Publishing needs a comment and re-validates.
/// </summary>
public sealed class EditModel(DefinitionCatalog catalog, RecordedRequests recorded) : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public Guid? DraftId { get; set; }

    /// <summary>Start a new draft from this definition's latest version.</summary>
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty]
    public string Source { get; set; } = string.Empty;

    [BindProperty]
    public string? Comment { get; set; }

    public DefinitionDraft? Draft { get; private set; }

    public IReadOnlyList<(int? Line, DefinitionError Error)> Errors { get; private set; } = [];

    public IReadOnlyList<(int? Line, DefinitionError Error)> Warnings { get; private set; } = [];

    public PublishedDefinition? Published { get; private set; }

    public DefinitionDiffResult? Diff { get; private set; }

    public WhatIfReport? WhatIf { get; private set; }

    public WorkflowDefinition? Parsed { get; private set; }

    /// <summary>Where a button posts: written out, because link generation for this optional-parameter route gave an empty URL.</summary>
    public string ActionUrl(string handler) => DraftId is { } id ? $"/definitions/edit/{id}?handler={handler}" : $"/definitions/edit?handler={handler}";

    public string BadLines => string.Join(",", Errors.Where(e => e.Line is not null).Select(e => e.Line));

    public async Task<IActionResult> OnGetAsync()
    {
        if (DraftId is { } id)
        {
            if (await catalog.GetDraftAsync(id) is not { } draft)
            {
                return NotFoundPage($"There is no draft {id}.");
            }

            await AnalyseAsync(draft);
        }
        else if (From is not null && await catalog.GetLatestAsync(From) is { } latest)
        {
            Source = (await catalog.GetSourceAsync(latest.Ref.Id, latest.Ref.Version))!.Value.Source;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync()
    {
        try
        {
            var draft = await catalog.SaveDraftAsync(Source ?? string.Empty, Me.User, DraftId);
            Flash = draft.IsValid ? "Draft saved: it is valid. Check the diff and the what-if below, then publish." : $"Draft saved with {draft.Errors.Count} error{(draft.Errors.Count == 1 ? "" : "s")}: see below.";
            FlashIsError = !draft.IsValid;
            return LocalRedirect($"/definitions/edit/{draft.DraftId}");
        }
        catch (DefinitionNotFoundException ex)
        {
            return NotFoundPage(ex.Message);
        }
    }

    public async Task<IActionResult> OnPostPublishAsync()
    {
        if (DraftId is not { } id || await catalog.GetDraftAsync(id) is not { } draft)
        {
            return NotFoundPage("Save the draft before publishing it.");
        }

        if (string.IsNullOrWhiteSpace(Comment))
        {
            Flash = "Publishing needs a comment: say what changes and why.";
            FlashIsError = true;
            return LocalRedirect($"/definitions/edit/{id}");
        }

        if (draft.Source != Source)
        {
            Flash = "The editor holds unsaved changes: save them (and check the diff and what-if) before publishing.";
            FlashIsError = true;
            return LocalRedirect($"/definitions/edit/{id}");
        }

        try
        {
            var (reference, created) = await catalog.PublishDraftAsync(id, Me.User, Comment.Trim());
            Flash = created ? $"Published {reference.Id} v{reference.Version}: new requests use it from now on." : $"Nothing to publish: v{reference.Version} already has this content.";
            FlashIsError = false;
            return LocalRedirect($"/definitions/{reference.Id}/{reference.Version}");
        }
        catch (DefinitionInvalidException ex)
        {
            Flash = $"Not published: the draft has {ex.Errors.Count} error{(ex.Errors.Count == 1 ? "" : "s")}.";
            FlashIsError = true;
            return LocalRedirect($"/definitions/edit/{id}");
        }
    }

    private async Task AnalyseAsync(DefinitionDraft draft)
    {
        Draft = draft;
        Source = draft.Source;
        Errors = draft.Errors.Select(e => (YamlPathLocator.LineOf(draft.Source, e), e)).OrderBy(e => e.Item1 ?? 0).ToList();
        Warnings = draft.Warnings.Select(e => (YamlPathLocator.LineOf(draft.Source, e), e)).ToList();
        if (!draft.IsValid)
        {
            return;
        }

        Parsed = catalog.Validate(draft.Source).Definition;
        if (Parsed is null)
        {
            return;
        }

        Published = await catalog.GetLatestAsync(Parsed.Id);
        if (Published is not null)
        {
            Diff = DefinitionDiff.Compare(Published.Definition, Parsed);
            WhatIf = Core.Definitions.Changes.WhatIf.Evaluate(await recorded.LastAsync(Parsed.Id, RecordedRequests.DefaultCount), Published.Definition, Parsed);
        }
    }
}
