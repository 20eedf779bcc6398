using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary><c>aoctl definitions</c> as a child process against a running server, over HTTP with a bearer token.</summary>
public sealed class AoctlDefinitionsTests
{
    [Fact]
    public async Task Aoctl_validates_publishes_lists_shows_and_diffs_definitions_and_reports_refusals_in_one_line()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var server = host.Anonymous.BaseAddress!.ToString();
        var admin = host.Tokens.Issue("ada", [], ["admin"]);
        var work = Directory.CreateTempSubdirectory("aoctl-defs-").FullName;
        var good = Path.Combine(work, "v2.yaml");
        await File.WriteAllTextAsync(good, DefinitionApi.TwoManagersForAmber, TestContext.Current.CancellationToken);
        var bad = Path.Combine(work, "bad.yaml");
        await File.WriteAllTextAsync(bad, CatalogKit.ReferenceSource.Replace("requiredApprovals: 2", "requiredApprovals: 0", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        string[] auth = ["--server", server, "--token", admin];

        var valid = await Aoctl.RunAsync(work, ["definitions", "validate", good, .. auth]);
        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.Contains("v2.yaml: valid (agent-action-approval, sha256:", valid.Stdout, StringComparison.Ordinal);

        var invalid = await Aoctl.RunAsync(work, ["definitions", "validate", bad, .. auth]);
        Assert.True(invalid.ExitCode == 1, invalid.ToString());
        Assert.Contains("error: routes.red.tiers[0].requiredApprovals:", invalid.Stdout, StringComparison.Ordinal);

        var refused = await Aoctl.RunAsync(work, ["definitions", "publish", bad, "--comment", "should fail", .. auth]);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("422 The definition is invalid.", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("routes.red.tiers[0].requiredApprovals", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.Stderr.Trim().Split('\n'));

        var published = await Aoctl.RunAsync(work, ["definitions", "publish", good, "--comment", "two managers", .. auth]);
        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.StartsWith("published agent-action-approval v2 (sha256:", published.Stdout, StringComparison.Ordinal);

        var list = await Aoctl.RunAsync(work, ["definitions", "list", .. auth]);
        Assert.True(list.ExitCode == 0, list.ToString());
        var row = list.Stdout.Split('\n').Single(l => l.Contains("two managers", StringComparison.Ordinal));
        Assert.Matches(@"^agent-action-approval\s+2\*\s+published\s+sha256:\S+\s+ada\s", row);

        var json = await Aoctl.RunAsync(work, ["definitions", "list", "--json", .. auth]);
        var parsed = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal(2, parsed[0].GetProperty("latestVersion").GetInt32());

        var diff = await Aoctl.RunAsync(work, ["definitions", "diff", "agent-action-approval", "1", "2", .. auth]);
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Contains("~ route amber", diff.Stdout, StringComparison.Ordinal);

        var show = await Aoctl.RunAsync(work, ["definitions", "show", "agent-action-approval", "--version", "1", .. auth]);
        Assert.Contains("red-high-impact", show.Stdout, StringComparison.Ordinal);

        // No token: refused before any call, in one line, exit 1 (as every aoctl HTTP verb). A bad token: the 401 and the login hint. An approver: 403.
        var anonymous = await Aoctl.RunAsync(work, "definitions", "list", "--server", server);
        Assert.True(anonymous.ExitCode == 1, anonymous.ToString());
        Assert.StartsWith("aoctl: no token", anonymous.Stderr, StringComparison.Ordinal);
        var forged = await Aoctl.RunAsync(work, "definitions", "list", "--server", server, "--token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
        Assert.True(forged.ExitCode == 1, forged.ToString());
        Assert.StartsWith("aoctl: 401", forged.Stderr, StringComparison.Ordinal);
        Assert.Contains("aoctl login", forged.Stderr, StringComparison.Ordinal);
        var approver = await Aoctl.RunAsync(work, "definitions", "publish", good, "--comment", "x", "--server", server, "--token", host.Tokens.Issue("tina", ["team-leads"], ["approver"]));
        Assert.StartsWith("aoctl: 403 Forbidden", approver.Stderr, StringComparison.Ordinal);

        // The config file (written by `aoctl login` elsewhere) is read when no option says otherwise.
        Directory.CreateDirectory(Path.Combine(work, "aoctl"));
        await File.WriteAllTextAsync(Path.Combine(work, "aoctl", "config.json"), JsonSerializer.Serialize(new { server, token = admin }), TestContext.Current.CancellationToken);
        var fromConfig = await Aoctl.RunAsync(work, "definitions", "list");
        Assert.True(fromConfig.ExitCode == 0, fromConfig.ToString());
    }
}
