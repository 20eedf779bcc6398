using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>What the last import found, for the readiness report.</summary>
public sealed class DefinitionImportReport
{
    private readonly List<string> _problems = [];
    private readonly List<string> _conflicts = [];

    /// <summary>Files that could not be imported (invalid, unreadable, missing folder): readiness is degraded.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Files that differ from a newer version a person published; that version stays in force.</summary>
    public IReadOnlyList<string> Conflicts => _conflicts;

    public IReadOnlyList<string> Imported { get; private set; } = [];

    internal void Record(IReadOnlyList<string> imported, IEnumerable<string> problems, IEnumerable<string> conflicts)
    {
        Imported = imported;
        _problems.Clear();
        _problems.AddRange(problems);
        _conflicts.Clear();
        _conflicts.AddRange(conflicts);
    }
}

/// <summary>
/// Imports the workflow files at startup. A file becomes a new version only when its content differs from the newest
/// version and that version came from a file too; see <see cref="DefinitionCatalog.ImportAsync"/>.
/// </summary>
public sealed class DefinitionImporter(DefinitionCatalog catalog, DefinitionImportReport report, ILogger<DefinitionImporter> logger)
{
    public async Task ImportAsync(string directory)
    {
        var imported = new List<string>();
        var problems = new List<string>();
        var conflicts = new List<string>();
        if (!System.IO.Directory.Exists(directory))
        {
            problems.Add($"Workflow directory '{directory}' does not exist.");
            logger.LogWarning("Workflow directory {Directory} does not exist", directory);
        }
        else
        {
            var files = System.IO.Directory.EnumerateFiles(directory)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var name = Path.GetFileName(file);
                try
                {
                    var result = await catalog.ImportAsync(await File.ReadAllTextAsync(file), name);
                    switch (result.Outcome)
                    {
                        case ImportOutcome.Imported:
                            imported.Add($"{result.Ref!.Id} v{result.Ref.Version}");
                            logger.LogInformation("Imported {File} as {Id} v{Version} ({Hash})", name, result.Ref.Id, result.Ref.Version, result.Ref.Hash);
                            break;
                        case ImportOutcome.UpToDate:
                            imported.Add($"{result.Ref!.Id} v{result.Ref.Version}");
                            break;
                        case ImportOutcome.Conflict:
                            var newest = result.Newest!;
                            var conflict = $"{name}: differs from {newest.Id} v{newest.Version}, published by {newest.Author} at {newest.CreatedAt:O}; "
                                + "the file was not imported and that version stays in force";
                            conflicts.Add(conflict);
                            logger.LogWarning("Workflow file {File} was not imported: {Id} v{Version} was published by {Author} and the file differs from it",
                                name, newest.Id, newest.Version, newest.Author);
                            break;
                    }
                }
                catch (DefinitionInvalidException ex)
                {
                    problems.Add($"{name}: {string.Join("; ", ex.Errors)}");
                    logger.LogError("Workflow file {File} is invalid and was not imported: {Errors}", name, string.Join("; ", ex.Errors));
                }
            }
        }

        report.Record(imported, problems, conflicts);
    }
}
