using ApprovalOrchestrator.Runtime.Definitions;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages.Definitions;

/// <summary>One published version: its diagram, its source as published, and revert (publishes a copy as the newest version).</summary>
public sealed class VersionModel(DefinitionCatalog catalog) : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public int Version { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    public DefinitionVersionInfo Info { get; private set; } = null!;

    public string Source { get; private set; } = string.Empty;

    public PublishedDefinition Published { get; private set; } = null!;

    public PublishedDefinition? Latest { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await catalog.GetSourceAsync(Id, Version) is not { } found || await catalog.GetAsync(Id, Version) is not { } published)
        {
            return NotFoundPage($"There is no version {Version} of '{Id}'.");
        }

        (Info, Source) = found;
        Published = published;
        Latest = await catalog.GetLatestAsync(Id);
        return Page();
    }

    public async Task<IActionResult> OnPostRevertAsync()
    {
        try
        {
            var comment = string.IsNullOrWhiteSpace(Comment) ? $"Revert to v{Version}" : Comment.Trim();
            var (reference, created) = await catalog.RevertAsync(Id, Version, Me.User, comment);
            Flash = created ? $"Reverted: v{reference.Version} is a copy of v{Version} and is now the latest." : $"v{Version} already is the latest content: nothing published.";
            FlashIsError = false;
            return LocalRedirect($"/definitions/{reference.Id}/{reference.Version}");
        }
        catch (DefinitionNotFoundException ex)
        {
            return NotFoundPage(ex.Message);
        }
    }
}
