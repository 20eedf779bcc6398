using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.EntryPoints;

/// <summary>aoctl installs like any .NET tool: packed from this checkout, installed from the pack output, run by its command name.</summary>
[Trait("Storage", TestStorage.SqliteOnly)]
public class ToolPackageTests
{
    [Fact]
    public async Task Packed_aoctl_installs_with_tool_path_and_answers_help()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = EntryPoint.FreshDirectory();
        var feed = Path.Combine(root, "nupkg");
        var tools = Path.Combine(root, "tools");
        // A version of its own: NuGet caches packages by id and version, so a fixed one could install a stale build.
        var version = $"0.0.0-test.{Guid.NewGuid():N}";
        // The build these tests run from (bin/<Configuration>/net10.0): packing it again would rebuild under a running suite.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var cli = Path.Combine(EntryPoint.RepositoryRoot, "src", "ApprovalOrchestrator.Cli");

        var pack = await ChildProcess.RunAsync(ChildProcess.DotnetHost(),
            ["pack", cli, "--no-build", "-c", configuration, "-o", feed, $"-p:PackageVersion={version}", "-nologo"],
            root, null, TimeSpan.FromSeconds(180), ct);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.True(File.Exists(Path.Combine(feed, $"aoctl.{version}.nupkg")), pack.ToString());

        var install = await ChildProcess.RunAsync(ChildProcess.DotnetHost(),
            ["tool", "install", "--tool-path", tools, "--add-source", feed, "--version", version, "aoctl"],
            root, null, TimeSpan.FromSeconds(180), ct);
        Assert.True(install.ExitCode == 0, install.ToString());

        var help = await ChildProcess.RunAsync(Path.Combine(tools, OperatingSystem.IsWindows() ? "aoctl.exe" : "aoctl"), ["--help"],
            root, EntryPoint.Isolated(root), TimeSpan.FromSeconds(60), ct);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("Usage:", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("aoctl [command] [options]", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("publish", help.Stdout, StringComparison.Ordinal);
    }
}
