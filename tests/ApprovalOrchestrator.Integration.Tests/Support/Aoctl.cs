using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Support;

/// <summary>
/// Runs the built <c>aoctl.dll</c> (copied into <c>cli/</c> beside the tests by the build) as a child process, with
/// <c>AOCTL_TOKEN</c> unset and <c>XDG_CONFIG_HOME</c> pointed at <paramref name="configHome"/> so the developer's own
/// aoctl configuration never leaks into a test.
/// </summary>
internal static class Aoctl
{
    /// <summary>Runs aoctl with its config file under <paramref name="configHome"/> and no token from the environment.</summary>
    public static Task<AoctlResult> RunAsync(string configHome, params string[] args) =>
        AoctlRunner.RunAsync(
            new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = configHome, ["AOCTL_TOKEN"] = null },
            args,
            TestContext.Current.CancellationToken);
}
