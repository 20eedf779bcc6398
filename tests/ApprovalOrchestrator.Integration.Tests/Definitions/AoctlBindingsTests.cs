using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary><c>aoctl bindings</c> as a child process against a running server, over HTTP with a bearer token.</summary>
public sealed class AoctlBindingsTests
{
    [Fact]
    public async Task Aoctl_shows_sets_and_lists_bindings_and_reports_refusals_in_one_line()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var server = host.Anonymous.BaseAddress!.ToString();
        string[] admin = ["--server", server, "--token", host.Tokens.Issue("ada", [], ["admin"])];
        string[] auditor = ["--server", server, "--token", host.Tokens.Issue("audrey", [], ["auditor"])];
        var work = Directory.CreateTempSubdirectory("aoctl-bindings-").FullName;
        var file = Path.Combine(work, "bindings.json");
        await File.WriteAllTextAsync(file, """{"default":{"workflow":"agent-action-approval"},"groups":[{"group":"finance","workflow":"fast-escalation"}]}""", TestContext.Current.CancellationToken);
        var bad = Path.Combine(work, "bad.json");
        await File.WriteAllTextAsync(bad, """{"default":{"workflow":"ghost"}}""", TestContext.Current.CancellationToken);

        var set = await Aoctl.RunAsync(work, ["bindings", "set", file, "--comment", "finance runs fast", .. admin]);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.StartsWith("bindings v2 (sha256:", set.Stdout, StringComparison.Ordinal);

        var again = await Aoctl.RunAsync(work, ["bindings", "set", file, "--comment", "same", .. admin]);
        Assert.StartsWith("unchanged: v2", again.Stdout, StringComparison.Ordinal);

        var refused = await Aoctl.RunAsync(work, ["bindings", "set", bad, "--comment", "nope", .. admin]);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("422 The bindings are invalid.", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("default.workflow", refused.Stderr, StringComparison.Ordinal);

        var show = await Aoctl.RunAsync(work, ["bindings", "show", .. auditor]);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("bindings v2 by ada", show.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"group finance\s+-> fast-escalation", show.Stdout);

        var history = await Aoctl.RunAsync(work, ["bindings", "history", "--json", .. auditor]);
        var versions = JsonDocument.Parse(history.Stdout).RootElement.EnumerateArray().Select(v => v.GetProperty("author").GetString()!).ToArray();
        Assert.Equal(["config:Workflows", "ada"], versions);

        var notAdmin = await Aoctl.RunAsync(work, ["bindings", "set", file, "--comment", "mine", .. auditor]);
        Assert.True(notAdmin.ExitCode == 1, notAdmin.ToString());
        Assert.StartsWith("aoctl: 403", notAdmin.Stderr, StringComparison.Ordinal);
    }
}
