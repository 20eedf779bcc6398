using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Runtime.Definitions;
using static ApprovalOrchestrator.Integration.Tests.Definitions.CatalogKit;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary>Draft → publish → retract → revert against a real SQLite file: version numbers, hashes, latest, audit.</summary>
public sealed class DefinitionLifecycleTests
{
    private const string Id = "agent-action-approval";

    [Fact]
    public async Task Draft_publish_retract_revert()
    {
        var catalog = Create();
        var v1Source = ReferenceSource;
        var v2Source = WithAmberTimeout("PT2H");

        // An invalid draft is saved with its errors, and can never be published.
        var broken = await catalog.SaveDraftAsync(v2Source.Replace("PT2H", "PT0S", StringComparison.Ordinal), "admin");
        Assert.False(broken.IsValid);
        Assert.Equal(Id, broken.DefinitionId);
        Assert.Equal("routes.amber.tiers[0].timeout", Assert.Single(broken.Errors).Path);
        await Assert.ThrowsAsync<DefinitionInvalidException>(() => catalog.PublishDraftAsync(broken.DraftId, "admin", "nope"));
        Assert.Empty(await catalog.ListAsync());

        // Fixed in place (same draft id), then published.
        var draft = await catalog.SaveDraftAsync(v2Source, "admin", broken.DraftId);
        Assert.Equal(broken.DraftId, draft.DraftId);
        Assert.True(draft.IsValid);
        Assert.Equal(DefinitionHash.Compute(v2Source), draft.Hash);

        var (v1, created1) = await catalog.PublishAsync(v1Source, "alice", "first");
        var (v2, created2) = await catalog.PublishDraftAsync(draft.DraftId, "bob", "faster amber");
        Assert.True(created1 && created2);
        Assert.Equal((1, DefinitionHash.Compute(v1Source)), (v1.Version, v1.Hash));
        Assert.Equal((2, DefinitionHash.Compute(v2Source)), (v2.Version, v2.Hash));
        Assert.Null(await catalog.GetDraftAsync(draft.DraftId));
        Assert.Equal(2, (await catalog.GetLatestAsync(Id))!.Ref.Version);

        // Publishing the latest content again creates nothing.
        var (same, createdAgain) = await catalog.PublishAsync(v2Source, "carol", "again");
        Assert.False(createdAgain);
        Assert.Equal(2, same.Version);

        // Retract v2: latest falls back to v1; v2 stays readable for instances pinned to it.
        Assert.True(await catalog.RetractAsync(Id, 2, "bob", "too fast"));
        Assert.False(await catalog.RetractAsync(Id, 2, "bob", "twice"));
        Assert.Equal(1, (await catalog.GetLatestAsync(Id))!.Ref.Version);
        Assert.Equal(TimeSpan.FromHours(2), (await catalog.GetAsync(Id, 2))!.Definition.RouteFor("amber").Tiers[0].Timeout);

        // Revert to v2: a new version 3 with v2's content and hash.
        var (v3, created3) = await catalog.RevertAsync(Id, 2, "alice", null);
        Assert.True(created3);
        Assert.Equal((3, v2.Hash), (v3.Version, v3.Hash));
        Assert.Equal(3, (await catalog.GetLatestAsync(Id))!.Ref.Version);

        var versions = await catalog.ListAsync(Id);
        Assert.Equal(
            [(1, "alice", "first", false), (2, "bob", "faster amber", true), (3, "alice", "Revert to v2", false)],
            versions.Select(v => (v.Version, v.Author, v.Comment, v.IsRetracted)));
        Assert.Equal("bob", versions[1].RetractedBy);

        var events = await catalog.ListEventsAsync(Id);
        Assert.Equal(
            [
                ("draft-saved", (int?)null, broken.Hash, "admin"),
                ("draft-saved", null, v2.Hash, "admin"),
                ("published", 1, v1.Hash, "alice"),
                ("published", 2, v2.Hash, "bob"),
                ("retracted", 2, v2.Hash, "bob"),
                ("reverted", 3, v2.Hash, "alice"),
            ],
            events.Select(e => (e.Kind, e.Version, e.Hash, e.Author)));
        Assert.Contains("\"revertedFrom\":2", events[^1].Data, StringComparison.Ordinal);
        Assert.Equal(draft.DraftId, events[3].DraftId);
    }

    [Fact]
    public async Task Retracting_every_version_leaves_no_latest_so_requests_are_refused()
    {
        var catalog = Create();
        await catalog.PublishAsync(ReferenceSource, "alice", null);
        await catalog.RetractAsync(Id, 1, "alice", "stop");
        Assert.Null(await catalog.GetLatestAsync(Id));
        await Assert.ThrowsAsync<DefinitionNotFoundException>(() => catalog.RetractAsync(Id, 9, "alice", null));
        await Assert.ThrowsAsync<DefinitionNotFoundException>(() => catalog.RevertAsync(Id, 9, "alice", null));
    }

    [Fact]
    public async Task Publishing_validates_groups_against_the_directory_but_stored_versions_stay_readable()
    {
        var path = Support.OrchestratorHost.NewDatabasePath();
        var open = Create(path);
        await open.PublishAsync(ReferenceSource, "alice", null);

        var strict = Create(path, new FixedGroups("team-leads", "managers"));
        var ex = await Assert.ThrowsAsync<DefinitionInvalidException>(() => strict.PublishAsync(WithAmberTimeout("PT1H"), "alice", null));
        Assert.Equal("routes.red.tiers[0].group", Assert.Single(ex.Errors).Path);
        Assert.Equal(1, (await strict.GetLatestAsync(Id))!.Ref.Version);

        var draft = await strict.SaveDraftAsync(WithAmberTimeout("PT1H"), "alice");
        Assert.Contains("unknown group 'security-officers'", Assert.Single(draft.Errors).Message, StringComparison.Ordinal);
        Assert.Single(await strict.ListDraftsAsync(Id));
        Assert.True(await strict.DeleteDraftAsync(draft.DraftId, "alice"));
        Assert.Empty(await strict.ListDraftsAsync());
    }

    [Fact]
    public async Task Existing_database_gains_the_lifecycle_tables()
    {
        var path = Support.OrchestratorHost.NewDatabasePath();
        var first = Create(path);
        await first.PublishAsync(ReferenceSource, "alice", null);
        // Running the schema again (every start does) keeps the data and works on the upgraded file.
        var again = Create(path);
        Assert.True(await again.RetractAsync(Id, 1, "alice", null));
        Assert.Single(await again.ListAsync());
    }
}
