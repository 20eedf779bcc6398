using ApprovalOrchestrator.Runtime.Definitions;

namespace ApprovalOrchestrator.Server.Web.Pages.Definitions;

/// <summary>Definitions: each one's version history (newest first) and the saved drafts.</summary>
public sealed class IndexModel(DefinitionCatalog catalog) : ConsolePage
{
    public IReadOnlyList<IGrouping<string, DefinitionVersionInfo>> Definitions { get; private set; } = [];

    public IReadOnlyList<DefinitionDraft> Drafts { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Definitions = (await catalog.ListAsync()).OrderByDescending(v => v.Version).GroupBy(v => v.Id).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Drafts = await catalog.ListDraftsAsync();
    }
}
