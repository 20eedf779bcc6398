using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Cli;

/// <summary><c>aoctl halt</c>, <c>aoctl controls</c> and <c>aoctl resume</c> as a child process against a running server.</summary>
public sealed class AoctlControlsTests
{
    [Fact]
    public async Task An_admin_halts_a_tool_lists_the_halt_and_resumes_it_by_scope_and_a_non_admin_is_refused()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        var aoctl = AoctlProcess.WithTemporaryHome();
        var server = host.Anonymous.BaseAddress!.ToString().TrimEnd('/');
        var admin = host.Tokens.Issue("ada-admin", [], ["admin"]);

        var halt = await aoctl.RunAsync("halt", "--server", server, "--token", admin, "--scope", "tool", "--target", "sessions_list", "--reason", "sessions tool under review");
        Assert.True(halt.ExitCode == 0, halt.ToString());
        Assert.Contains("Halted tool sessions_list", halt.Stdout, StringComparison.Ordinal);

        var id = await host.SubmitOkAsync("List my open sessions.", tool: new { name = "sessions_list", action = "json" });
        await host.WaitForStatusAsync(id, "halted");

        var list = await aoctl.RunAsync("controls", "--server", server, "--token", admin);
        Assert.True(list.ExitCode == 0, list.ToString());
        var row = Assert.Single(list.Stdout.Split('\n'), l => l.Contains("sessions_list", StringComparison.Ordinal));
        Assert.Contains("sessions tool under review", row, StringComparison.Ordinal);
        Assert.Contains("ada-admin", row, StringComparison.Ordinal);

        var json = await aoctl.RunAsync("controls", "--server", server, "--token", admin, "--json");
        using (var doc = JsonDocument.Parse(json.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("halted").GetBoolean());
        }

        // Refused with the server's problem details: a target on scope all, and a non-admin.
        var bad = await aoctl.RunAsync("halt", "--server", server, "--token", admin, "--scope", "all", "--target", "main", "--reason", "x");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("target", bad.Stderr + bad.Stdout, StringComparison.Ordinal);
        var approver = host.Tokens.Issue("bob", ["team-leads"], ["approver"]);
        var refused = await aoctl.RunAsync("resume", "--server", server, "--token", approver, "--scope", "tool", "--target", "sessions_list", "--reason", "mine");
        Assert.NotEqual(0, refused.ExitCode);

        var resume = await aoctl.RunAsync("resume", "--server", server, "--token", admin, "--scope", "tool", "--target", "sessions_list", "--reason", "review done");
        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Contains("1 halted requests released", resume.Stdout, StringComparison.Ordinal);
        await host.WaitForStatusAsync(id, "executed");
        var none = await aoctl.RunAsync("controls", "--server", server, "--token", admin);
        Assert.Contains("Nothing is halted.", none.Stdout, StringComparison.Ordinal);
    }
}
