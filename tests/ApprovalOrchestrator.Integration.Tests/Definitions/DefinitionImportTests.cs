using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Definitions;
using Microsoft.Extensions.DependencyInjection;
using static ApprovalOrchestrator.Integration.Tests.Definitions.CatalogKit;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary>Startup import: only changed files, never over a version a person published (reported as a conflict).</summary>
public sealed class DefinitionImportTests
{
    private const string Id = "agent-action-approval";

    [Fact]
    public async Task Changed_file_is_imported_when_the_newest_version_came_from_a_file()
    {
        var directory = NewWorkflowDirectory(ReferenceSource);
        var databasePath = OrchestratorHost.NewDatabasePath();
        var settings = new Dictionary<string, string?> { ["Workflows:Directory"] = directory };

        await using (var host = await OrchestratorHost.StartAsync(databasePath, settings))
        {
            var latest = await host.Services.GetRequiredService<DefinitionCatalog>().GetLatestAsync(Id);
            Assert.Equal((1, "import:agent-action-approval.yaml"), (latest!.Ref.Version, latest.Author));
        }

        // Unchanged file: nothing new. Changed file: a new version.
        await using (var host = await OrchestratorHost.StartAsync(databasePath, settings))
        {
            Assert.Single(await host.Services.GetRequiredService<DefinitionCatalog>().ListAsync(Id));
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "agent-action-approval.yaml"), WithAmberTimeout("PT2H"), TestContext.Current.CancellationToken);
        await using (var host = await OrchestratorHost.StartAsync(databasePath, settings))
        {
            var catalog = host.Services.GetRequiredService<DefinitionCatalog>();
            Assert.Equal(2, (await catalog.GetLatestAsync(Id))!.Ref.Version);
            var ready = await ReadyDefinitionsAsync(host);
            Assert.Equal("healthy", ready.GetProperty("status").GetString());
            Assert.Empty(ready.GetProperty("data").GetProperty("conflicts").EnumerateArray());
        }
    }

    [Fact]
    public async Task File_differing_from_a_version_an_admin_published_is_a_reported_conflict()
    {
        var directory = NewWorkflowDirectory(ReferenceSource);
        var databasePath = OrchestratorHost.NewDatabasePath();
        var settings = new Dictionary<string, string?> { ["Workflows:Directory"] = directory };

        await using (var host = await OrchestratorHost.StartAsync(databasePath, settings))
        {
            var (v2, _) = await host.Services.GetRequiredService<DefinitionCatalog>().PublishAsync(WithAmberTimeout("PT3H"), "admin-ann", "tighter");
            Assert.Equal(2, v2.Version);
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "agent-action-approval.yaml"), WithAmberTimeout("PT1H"), TestContext.Current.CancellationToken);
        await using (var host = await OrchestratorHost.StartAsync(databasePath, settings))
        {
            var catalog = host.Services.GetRequiredService<DefinitionCatalog>();
            var latest = await catalog.GetLatestAsync(Id);
            Assert.Equal((2, "admin-ann"), (latest!.Ref.Version, latest.Author));
            Assert.Equal(2, (await catalog.ListAsync(Id)).Count);

            var conflict = Assert.Single(host.Services.GetRequiredService<DefinitionImportReport>().Conflicts);
            Assert.Contains("agent-action-approval v2, published by admin-ann", conflict, StringComparison.Ordinal);
            var ready = await ReadyDefinitionsAsync(host);
            Assert.Equal(conflict, Assert.Single(ready.GetProperty("data").GetProperty("conflicts").EnumerateArray()).GetString());
        }
    }

    [Fact]
    public async Task Retracted_imported_version_is_not_reimported_from_the_same_file()
    {
        var directory = NewWorkflowDirectory(WithAmberTimeout("PT2H"));
        var path = OrchestratorHost.NewDatabasePath();
        var catalog = Create(path);
        await catalog.ImportAsync(ReferenceSource, "agent-action-approval.yaml");
        await catalog.ImportAsync(WithAmberTimeout("PT2H"), "agent-action-approval.yaml");
        await catalog.RetractAsync(Id, 2, "admin", "bad idea");

        var result = await catalog.ImportAsync(File.ReadAllText(Path.Combine(directory, "agent-action-approval.yaml")), "agent-action-approval.yaml");

        Assert.Equal(ImportOutcome.UpToDate, result.Outcome);
        Assert.Equal(1, (await catalog.GetLatestAsync(Id))!.Ref.Version);
    }

    private static string NewWorkflowDirectory(string source)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ao-tests", Guid.NewGuid().ToString("N"), "workflows");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "agent-action-approval.yaml"), source);
        return directory;
    }

    private static async Task<JsonElement> ReadyDefinitionsAsync(OrchestratorHost host)
    {
        var response = await host.Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        return (await OrchestratorHost.ReadAsync(response)).GetProperty("checks").GetProperty("definitions");
    }
}
