using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Tests.TestSupport;

/// <summary>Reads files from the repository checkout, so tests exercise the real shipped definitions.</summary>
internal static class RepoFiles
{
    private static readonly Lazy<string> RootDir = new(FindRoot);

    public static string Root => RootDir.Value;

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    public static WorkflowDefinition LoadDefinition(string relativePath)
    {
        var result = DefinitionParser.Parse(Read(relativePath));
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        return result.Definition!;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ApprovalOrchestrator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ApprovalOrchestrator.sln above {AppContext.BaseDirectory}.");
    }
}
