using System.Net;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Notifications.Slack;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>
/// Clicks on the buttons of a real posted message, signed as Slack signs them, against the real server: they decide
/// through the same use case as the HTTP API, as the approver the Slack user is mapped to.
/// </summary>
public sealed class SlackInteractionTests
{
    [Fact]
    public async Task Two_mapped_Slack_users_approving_meet_the_quorum_and_the_audit_names_the_approvers_Slack_vouched_for()
    {
        await using var s = await SlackScenario.StartAsync(SlackKit.Red);
        var (host, id, taskId) = (s.Host, s.RequestId, s.TaskId);
        var approve = s.ApproveValue;

        var (first, firstBody) = await SlackKit.ClickAsync(host, "U0SAM", SlackActions.Approve, approve);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("ephemeral", firstBody.GetProperty("response_type").GetString());
        Assert.Equal("Approved as sam: 1 of 2 approval(s) so far.", firstBody.GetProperty("text").GetString());
        Assert.Equal("open", (await host.GetTaskAsync(taskId)).GetProperty("status").GetString());

        var (second, secondBody) = await SlackKit.ClickAsync(host, "U0SUE", SlackActions.Approve, approve);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True(secondBody.GetProperty("replace_original").GetBoolean(), "the closed task's message loses its buttons");
        Assert.StartsWith("Approved by sue (task approved", secondBody.GetProperty("text").GetString(), StringComparison.Ordinal);

        var task = await host.GetTaskAsync(taskId);
        Assert.Equal("approved", task.GetProperty("status").GetString());
        Assert.Equal(["sam", "sue"], task.GetProperty("approvals").EnumerateArray().Select(a => a.GetString()));
        var decisions = await SlackKit.DecisionsAsync(host, id);
        Assert.Equal(["sam", "sue"], decisions.Select(d => d.GetProperty("actor").GetString()));
        Assert.Equal(["slack:U0SAM", "slack:U0SUE"], decisions.Select(d => d.GetProperty("data").GetProperty("bridge").GetString()));
        Assert.All(decisions, d => Assert.False(d.GetProperty("data").GetProperty("authenticated").GetBoolean()));
        Assert.All(decisions, d => Assert.Equal(task.GetProperty("actionHash").GetString(), d.GetProperty("data").GetProperty("actionHash").GetString()));
    }

    [Fact]
    public async Task The_same_approver_clicking_twice_counts_once()
    {
        await using var s = await SlackScenario.StartAsync(SlackKit.Red);
        var (host, id, taskId) = (s.Host, s.RequestId, s.TaskId);
        var approve = s.ApproveValue;

        await SlackKit.ClickAsync(host, "U0SAM", SlackActions.Approve, approve);
        var (again, body) = await SlackKit.ClickAsync(host, "U0SAM", SlackActions.Approve, approve);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.StartsWith("Nothing changed:", body.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(["sam"], (await host.GetTaskAsync(taskId)).GetProperty("approvals").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Reject_with_the_reason_typed_into_the_message_rejects_the_request_with_that_comment()
    {
        await using var s = await SlackScenario.StartAsync(SlackKit.Amber);
        var (host, id, taskId) = (s.Host, s.RequestId, s.TaskId);
        var reject = s.RejectValue;

        var (response, body) = await SlackKit.ClickAsync(host, "U0TOM", SlackActions.Reject, reject, reason: "  Wrong vendor account.  ");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("Rejected by tom", body.GetProperty("text").GetString(), StringComparison.Ordinal);
        var request = await host.WaitForStatusAsync(id, "rejected");
        var decision = Assert.Single(request.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "decision");
        Assert.Equal("tom", decision.GetProperty("actor").GetString());
        Assert.Equal("Wrong vendor account.", decision.GetProperty("data").GetProperty("comment").GetString());
    }

    [Fact]
    public async Task The_open_in_console_link_button_is_acknowledged_and_decides_nothing()
    {
        await using var s = await SlackScenario.StartAsync(SlackKit.Amber);
        var (host, id, taskId) = (s.Host, s.RequestId, s.TaskId);

        var (response, _) = await SlackKit.ClickAsync(host, "U0TINA", SlackActions.OpenConsole, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await SlackKit.DecisionsAsync(host, id));
    }

    [Fact]
    public async Task Without_a_signing_secret_the_endpoint_does_not_exist()
    {
        await using var slack = await SlackStandIn.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: SlackKit.Settings(slack, interactive: false));

        var (response, _) = await SlackKit.ClickAsync(host, "U0TINA", SlackActions.Approve, "{}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_bad_Slack_configuration_stops_the_start_naming_the_setting()
    {
        await using var slack = await SlackStandIn.StartAsync();
        var settings = SlackKit.Settings(slack);
        settings["Notifications:Slack:SigningSecret"] = "short";
        settings["Notifications:Slack:PostMessageUrl"] = slack.PostMessageUrl;

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await OrchestratorHost.StartAsync(settings: settings)).DisposeAsync());

        Assert.Contains("Notifications:Slack:SigningSecret must be at least 16 characters", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Notifications:Slack:WebhookUrl and Notifications:Slack:PostMessageUrl are both set", error.ToString(), StringComparison.Ordinal);
    }
}
