using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Cli;

/// <summary>aoctl's approver verbs as a child process against a running server: token, login, tasks, show, approve, reject, delegate, withdraw.</summary>
public sealed class AoctlApproverTests
{
    private const string Amber = "Draft an email to finance about the Q1 budget.";

    [Fact]
    public async Task An_approver_mints_a_token_logs_in_sees_the_amber_task_and_approves_it_into_a_dry_run()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var aoctl = AoctlProcess.WithTemporaryHome();
        var requestId = await host.SubmitOkAsync(Amber, requester: "alice");
        var taskId = await host.OpenTaskIdAsync(requestId);

        var issued = await aoctl.RunAsync("token", "issue", "--user", "tina", "--groups", "team-leads", "--roles", "approver", "--ttl", "1h", "--database", host.DatabasePath);
        Assert.True(issued.ExitCode == 0, issued.ToString());
        var token = issued.Stdout.Trim();
        Assert.Equal(3, token.Split('.').Length);

        var login = await aoctl.RunAsync("login", "--server", Server(host), "--token", token);
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("as tina", login.Stdout, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(aoctl.ConfigFile));
        }

        using (var config = JsonDocument.Parse(await File.ReadAllTextAsync(aoctl.ConfigFile, TestContext.Current.CancellationToken)))
        {
            Assert.Equal(token, config.RootElement.GetProperty("token").GetString());
            Assert.Equal(Server(host), config.RootElement.GetProperty("server").GetString());
        }

        // From here on, server and token come from the config file.
        var tasks = await aoctl.RunAsync("tasks");
        Assert.True(tasks.ExitCode == 0, tasks.ToString());
        var row = Assert.Single(tasks.Stdout.Split('\n'), line => line.Contains(taskId.ToString(), StringComparison.Ordinal));
        Assert.Contains("amber", row, StringComparison.Ordinal);
        Assert.Contains("team-leads", row, StringComparison.Ordinal);
        Assert.Contains("0/1", row, StringComparison.Ordinal);

        var json = await aoctl.RunAsync("tasks", "--risk", "amber", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using (var page = JsonDocument.Parse(json.Stdout))
        {
            var item = Assert.Single(page.RootElement.GetProperty("items").EnumerateArray());
            Assert.Equal(taskId, item.GetProperty("id").GetGuid());
        }

        var show = await aoctl.RunAsync("show", taskId.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains(await host.ActionHashAsync(taskId), show.Stdout, StringComparison.Ordinal);

        var approve = await aoctl.RunAsync("approve", taskId.ToString(), "--comment", "fine", "--json");
        Assert.True(approve.ExitCode == 0, approve.ToString());
        using (var answer = JsonDocument.Parse(approve.Stdout))
        {
            Assert.True(answer.RootElement.GetProperty("recorded").GetBoolean(), approve.Stdout);
        }

        await host.WaitForStatusAsync(requestId, "dry-run");
    }

    [Fact]
    public async Task A_reject_needs_a_comment_a_stale_action_hash_is_refused_and_a_reject_with_a_comment_closes_the_request()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var aoctl = AoctlProcess.WithTemporaryHome();
        var requestId = await host.SubmitOkAsync(Amber, requester: "alice");
        var taskId = (await host.OpenTaskIdAsync(requestId)).ToString();
        var auth = new[] { "--server", Server(host), "--token", host.Tokens.Issue("tina", ["team-leads"], ["approver"]) };

        var noComment = await aoctl.RunAsync(["reject", taskId, .. auth]);
        Assert.Equal(1, noComment.ExitCode);
        Assert.Contains("--comment", noComment.Stderr, StringComparison.Ordinal);

        var stale = await aoctl.RunAsync(["approve", taskId, "--action-hash", "sha256:00", .. auth]);
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("412", stale.Stderr, StringComparison.Ordinal);
        Assert.Contains($"aoctl show {taskId}", stale.Stderr, StringComparison.Ordinal);
        Assert.Equal("awaiting-approval", (await host.GetRequestAsync(requestId)).GetProperty("status").GetString());

        var reject = await aoctl.RunAsync(["reject", taskId, "--comment", "Not this quarter.", .. auth]);
        Assert.True(reject.ExitCode == 0, reject.ToString());
        Assert.Contains("Rejected", reject.Stdout, StringComparison.Ordinal);
        await host.WaitForStatusAsync(requestId, "rejected");
    }

    [Fact]
    public async Task A_refused_token_says_to_log_in_and_a_refusal_is_one_readable_line()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var aoctl = AoctlProcess.WithTemporaryHome();
        var foreign = new ApprovalOrchestrator.LocalIdentity.LocalTokenIssuer(new byte[32]).Issue("eve", ["team-leads"], ["approver"]);

        var tasks = await aoctl.RunAsync("tasks", "--server", Server(host), "--token", foreign);
        Assert.Equal(1, tasks.ExitCode);
        Assert.StartsWith("aoctl: 401", tasks.Stderr, StringComparison.Ordinal);
        Assert.Contains("aoctl login", tasks.Stderr, StringComparison.Ordinal);

        var login = await aoctl.RunAsync("login", "--server", Server(host), "--token", foreign);
        Assert.Equal(1, login.ExitCode);
        Assert.False(File.Exists(aoctl.ConfigFile), "a refused token must not be saved");

        var noToken = await aoctl.RunAsync("tasks", "--server", Server(host));
        Assert.Equal(1, noToken.ExitCode);
        Assert.Contains("aoctl login", noToken.Stderr, StringComparison.Ordinal);

        // A submitter is not an approver: 403 as one line naming the status.
        var submitter = await aoctl.RunAsync("tasks", "--server", Server(host), "--token", host.Tokens.Issue("alice", [], ["submitter"]));
        Assert.Equal(1, submitter.ExitCode);
        Assert.StartsWith("aoctl: 403", submitter.Stderr, StringComparison.Ordinal);
        Assert.Single(submitter.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task An_approver_delegates_and_lists_delegations_and_a_requester_withdraws_their_request()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var aoctl = AoctlProcess.WithTemporaryHome();
        var tina = new[] { "--server", Server(host), "--token", host.Tokens.Issue("tina", ["team-leads"], ["approver"]) };

        var start = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        var until = DateTimeOffset.UtcNow.AddDays(1).ToString("O");
        var delegated = await aoctl.RunAsync(["delegate", "--to", "bob", "--from", start, "--until", until, "--json", .. tina]);
        Assert.True(delegated.ExitCode == 0, delegated.ToString());
        using (var grant = JsonDocument.Parse(delegated.Stdout))
        {
            Assert.Equal("bob", grant.RootElement.GetProperty("delegate").GetString());
            Assert.Equal("tina", grant.RootElement.GetProperty("delegator").GetString());
        }

        var list = await aoctl.RunAsync(["delegations", .. tina]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(list.Stdout.Split('\n'), line => line.Contains("tina", StringComparison.Ordinal) && line.Contains("bob", StringComparison.Ordinal) && line.Contains("team-leads", StringComparison.Ordinal));

        // Bob now sees tina's team's task (delegated), and a cycle back to tina is refused as one line.
        var requestId = await host.SubmitOkAsync(Amber, requester: "alice");
        var taskId = await host.OpenTaskIdAsync(requestId);
        var bob = new[] { "--server", Server(host), "--token", host.Tokens.Issue("bob", [], ["approver"]) };
        var bobsTasks = await aoctl.RunAsync(["tasks", .. bob]);
        Assert.Contains(taskId.ToString(), bobsTasks.Stdout, StringComparison.Ordinal);
        var cycle = await aoctl.RunAsync(["delegate", "--to", "tina", "--until", until, .. bob]);
        Assert.Equal(1, cycle.ExitCode);
        Assert.StartsWith("aoctl: 409", cycle.Stderr, StringComparison.Ordinal);

        var withdraw = await aoctl.RunAsync("withdraw", requestId.ToString(), "--reason", "changed my mind", "--server", Server(host), "--token", host.Tokens.Issue("alice", [], ["submitter"]));
        Assert.True(withdraw.ExitCode == 0, withdraw.ToString());
        Assert.Equal("withdrawn", (await host.GetRequestAsync(requestId)).GetProperty("status").GetString());
    }

    private static string Server(OrchestratorHost host) => host.Anonymous.BaseAddress!.ToString().TrimEnd('/');
}
