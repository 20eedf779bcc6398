using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Definitions;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary>Publishing a new version changes what new requests get, never what running ones were promised.</summary>
public sealed class DefinitionPinningTests
{
    [Fact]
    public async Task Instance_waiting_on_v1_finishes_under_v1_after_v2_changes_the_tiers()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var catalog = host.Services.GetRequiredService<DefinitionCatalog>();
        const string text = "Draft an email to finance asking for confirmation of the Q1 cloud budget.";

        var pinned = await host.SubmitOkAsync(text);
        var taskId = await host.OpenTaskIdAsync(pinned);

        // v2: amber now needs two managers.
        var v2Source = CatalogKit.ReferenceSource.Replace(
            "- { group: team-leads, requiredApprovals: 1, timeout: PT4H }",
            "- { group: managers, requiredApprovals: 2, timeout: PT4H }",
            StringComparison.Ordinal);
        var (v2, created) = await catalog.PublishAsync(v2Source, "admin", "two managers for amber");
        Assert.True(created);
        Assert.Equal(2, v2.Version);

        // The v1 instance is decided by one team lead, as v1 promised.
        var (response, body) = await host.DecideAsync(taskId, "tl-1", "team-leads", "approve");
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        var finished = await host.WaitForStatusAsync(pinned, "dry-run");
        Assert.Equal(1, finished.GetProperty("workflow").GetProperty("version").GetInt32());

        // A new request starts on v2.
        var fresh = await host.SubmitOkAsync(text + " Again.");
        await host.OpenTaskIdAsync(fresh);
        var waiting = await host.GetRequestAsync(fresh);
        Assert.Equal(2, waiting.GetProperty("workflow").GetProperty("version").GetInt32());
        Assert.Equal(v2.Hash, waiting.GetProperty("workflow").GetProperty("hash").GetString());
        var task = waiting.GetProperty("tasks")[0];
        Assert.Equal(("managers", 2), (task.GetProperty("group").GetString(), task.GetProperty("required").GetInt32()));
    }
}
