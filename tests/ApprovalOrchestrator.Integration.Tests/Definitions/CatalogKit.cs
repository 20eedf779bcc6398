using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Runtime.Storage;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary>A <see cref="DefinitionCatalog"/> on a fresh real SQLite file, and the shipped reference definition to vary.</summary>
internal static class CatalogKit
{
    public static string ReferenceSource => File.ReadAllText(Path.Combine(OrchestratorHost.WorkflowsDirectory, "agent-action-approval.yaml"));

    /// <summary>The reference definition with the first amber tier's timeout replaced (PT4H in the file).</summary>
    public static string WithAmberTimeout(string timeout) => ReferenceSource.Replace("PT4H", timeout, StringComparison.Ordinal);

    public static DefinitionCatalog Create(string? databasePath = null, IApproverGroupDirectory? groups = null)
    {
        var database = TestStorage.Open(databasePath ?? OrchestratorHost.NewDatabasePath());
        database.EnsureCreated();
        return new DefinitionCatalog(database, groups ?? new UncheckedGroupDirectory(), TimeProvider.System);
    }

    public sealed class FixedGroups(params string[] known) : IApproverGroupDirectory
    {
        public GroupDirectory Snapshot() => new(known.ToHashSet(StringComparer.Ordinal), null);
    }
}
