using System.Diagnostics;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attack on the folding itself: a machine where ICU cannot be loaded must not classify (it would miss every look-alike).
/// The server, as a child process in a private mount namespace where every libicu file reads as empty, refuses to start.
/// </summary>
public sealed class TextFoldingUnavailableTests
{
    [Fact]
    public async Task Without_ICU_the_server_refuses_to_start_with_a_clear_error()
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "ApprovalOrchestrator.Server.dll");
        var databasePath = OrchestratorHost.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        // Root in CI and on these machines: a private mount namespace hides ICU from this process only.
        const string hideIcu = "for f in /usr/lib/x86_64-linux-gnu/libicu*.so.*; do mount --bind /dev/null \"$f\" || exit 97; done; exec \"$@\"";
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-m", "sh", "-c", hideIcu, "sh", "dotnet", serverDll, "--urls=http://127.0.0.1:0", $"--ConnectionStrings:Approvals=Data Source={databasePath}", $"--Workflows:Directory={OrchestratorHost.WorkflowsDirectory}" })
        {
            start.ArgumentList.Add(arg);
        }

        // .NET itself needs ICU unless globalization is invariant; the orchestrator's folding must still refuse.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The server kept running without ICU.");
        }

        var log = await output + await errors;
        Assert.NotEqual(97, process.ExitCode); // the namespace was set up
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Request text cannot be folded for classification", log, StringComparison.Ordinal);
    }
}
