namespace ApprovalOrchestrator.Testing;

/// <summary>The checkout the tests run from (the folder holding ApprovalOrchestrator.sln), for shipped files such as docs and deploy/.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ApprovalOrchestrator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ApprovalOrchestrator.sln above {AppContext.BaseDirectory}.");
    }
}
