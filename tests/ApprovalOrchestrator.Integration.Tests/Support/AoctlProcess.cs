using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Support;

/// <summary>
/// Runs the built <c>aoctl.dll</c> (copied with its dependencies into <c>cli/</c> beside the tests by the build) as a child
/// process, with its own <c>HOME</c> so <c>aoctl login</c> writes its config file into a temporary folder.
/// </summary>
public sealed class AoctlProcess(string home)
{
    public string Home { get; } = home;

    public string ConfigFile => Path.Combine(Home, ".config", "aoctl", "config.json");

    public static AoctlProcess WithTemporaryHome() =>
        new(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ao-tests", "home-" + Guid.NewGuid().ToString("N"))).FullName);

    /// <summary>Runs aoctl with HOME at <see cref="Home"/> (so its config file lands there) and no server or token from the environment.</summary>
    public Task<AoctlResult> RunAsync(params string[] args) =>
        AoctlRunner.RunAsync(
            new Dictionary<string, string?> { ["HOME"] = Home, ["XDG_CONFIG_HOME"] = null, ["AOCTL_TOKEN"] = null, ["AOCTL_SERVER"] = null },
            args,
            TestContext.Current.CancellationToken);
}
