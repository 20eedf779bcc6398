using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>What the last import found, for the readiness report.</summary>
public sealed class DefinitionImportReport
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    public IReadOnlyList<string> Imported { get; private set; } = [];

    internal void Record(IReadOnlyList<string> imported, IEnumerable<string> problems)
    {
        Imported = imported;
        _problems.Clear();
        _problems.AddRange(problems);
    }
}

/// <summary>Imports the workflow files at startup: a file becomes a new version only when its content differs from the latest.</summary>
public sealed class DefinitionImporter(DefinitionCatalog catalog, DefinitionImportReport report, ILogger<DefinitionImporter> logger)
{
    public async Task ImportAsync(string directory)
    {
        var imported = new List<string>();
        var problems = new List<string>();
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
                try
                {
                    var (reference, created) = await catalog.PublishAsync(await File.ReadAllTextAsync(file), $"import:{Path.GetFileName(file)}", "Imported at startup");
                    imported.Add($"{reference.Id} v{reference.Version}");
                    if (created)
                    {
                        logger.LogInformation("Imported {File} as {Id} v{Version} ({Hash})", Path.GetFileName(file), reference.Id, reference.Version, reference.Hash);
                    }
                }
                catch (DefinitionInvalidException ex)
                {
                    problems.Add($"{Path.GetFileName(file)}: {string.Join("; ", ex.Errors)}");
                    logger.LogError("Workflow file {File} is invalid and was not imported: {Errors}", Path.GetFileName(file), string.Join("; ", ex.Errors));
                }
            }
        }

        report.Record(imported, problems);
    }
}
