using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.EntryPoints;

/// <summary>The programs people start, run as child processes exactly as a user runs them.</summary>
internal static class EntryPoint
{
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "ApprovalOrchestrator.Server.dll");

    public static string AoctlDll => Path.Combine(AppContext.BaseDirectory, "cli", "aoctl.dll");

    /// <summary>The checkout these tests were built from (where README.md and the solution are).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ApprovalOrchestrator.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No checkout above {AppContext.BaseDirectory}.");
        }
    }

    public static string FreshDirectory() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ao-tests", "entry-" + Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>The server binary with these arguments, in <paramref name="workingDirectory"/> (where data/ lands).</summary>
    public static Task<ChildResult> ServerAsync(string workingDirectory, params string[] args) =>
        ChildProcess.RunAsync(ChildProcess.DotnetHost(), args.Prepend(ServerDll), workingDirectory, Isolated(workingDirectory), TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

    public static Task<ChildResult> AoctlAsync(string workingDirectory, params string[] args) =>
        ChildProcess.RunAsync(ChildProcess.DotnetHost(), args.Prepend(AoctlDll), workingDirectory, Isolated(workingDirectory), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

    /// <summary>No developer settings leak in: HOME is the test's own folder, no aoctl token or server, no ASP.NET urls.</summary>
    public static Dictionary<string, string?> Isolated(string home) => new()
    {
        ["HOME"] = home,
        ["XDG_CONFIG_HOME"] = null,
        ["AOCTL_TOKEN"] = null,
        ["AOCTL_SERVER"] = null,
        ["ASPNETCORE_URLS"] = null,
        ["ConnectionStrings__Approvals"] = null,
    };
}
