using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Workflow;

/// <summary>Green and approved requests through the HTTP API to the (fake) Gateway, and dry-run without one.</summary>
public sealed class HappyPathTests
{
    [Fact]
    public async Task Green_request_executes_through_the_gateway_without_approval()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.", requester: "employee-001");
        var request = await host.WaitForStatusAsync(id, "executed");

        Assert.Equal("green", request.GetProperty("risk").GetString());
        Assert.Empty(request.GetProperty("tasks").EnumerateArray());
        var sent = Assert.Single(gateway.RequestsTo(FakeGateway.ChatPath));
        Assert.Equal("openclaw:main", sent.Body!.Value.GetProperty("model").GetString());
        Assert.Equal("employee-001", sent.Body!.Value.GetProperty("user").GetString());
        var user = sent.Body!.Value.GetProperty("messages")[1].GetProperty("content").GetString()!;
        Assert.Contains("\"risk\":\"green\"", user);
        Assert.Contains("Summarize our AI governance policy", user);
        Assert.Equal("succeeded", request.GetProperty("outcome").GetProperty("status").GetString());
        var kinds = request.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToArray();
        Assert.Equal(["received", "classified", "execution-started", "execution-finished", "completed"], kinds);
    }

    [Fact]
    public async Task Without_a_gateway_nothing_is_sent_and_the_outcome_holds_the_request_that_would_be()
    {
        await using var host = await OrchestratorHost.StartAsync();

        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        var request = await host.WaitForStatusAsync(id, "dry-run");

        var wouldSend = request.GetProperty("outcome").GetProperty("request");
        Assert.Equal("POST", wouldSend.GetProperty("method").GetString());
        Assert.EndsWith("/v1/chat/completions", wouldSend.GetProperty("url").GetString());
        Assert.Equal("Bearer [redacted]", wouldSend.GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal("openclaw:main", wouldSend.GetProperty("body").GetProperty("model").GetString());
    }

    [Fact]
    public async Task Amber_request_waits_for_a_team_lead_and_executes_once_approved()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Draft an email to finance asking for confirmation of the Q1 cloud budget.");
        var taskId = await host.OpenTaskIdAsync(id);
        var waiting = await host.GetRequestAsync(id);
        var task = waiting.GetProperty("tasks")[0];
        Assert.Equal("team-leads", task.GetProperty("group").GetString());
        Assert.Equal(1, task.GetProperty("required").GetInt32());
        Assert.Empty(gateway.Requests);

        var (response, body) = await host.DecideAsync(taskId, "tina", "team-leads", "approve", comment: "fine");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("recorded").GetBoolean());

        var done = await host.WaitForStatusAsync(id, "executed");
        Assert.Single(gateway.RequestsTo(FakeGateway.ChatPath));
        Assert.Equal("tina", done.GetProperty("tasks")[0].GetProperty("decisions")[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Amber_request_rejected_by_a_team_lead_never_reaches_the_gateway()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Notify the customer that the contract is renewed.");
        var taskId = await host.OpenTaskIdAsync(id);
        var (response, _) = await host.DecideAsync(taskId, "tina", "team-leads", "reject", comment: "Legal must review first.");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var done = await host.WaitForStatusAsync(id, "rejected");
        Assert.Equal("Legal must review first.", done.GetProperty("reason").GetString());
        Assert.Empty(gateway.Requests);
    }

    [Fact]
    public async Task Red_request_needs_two_distinct_security_officers()
    {
        await using var host = await OrchestratorHost.StartAsync();

        var id = await host.SubmitOkAsync("Transfer funds from treasury to vendor account immediately.");
        var taskId = await host.OpenTaskIdAsync(id);

        var (first, firstBody) = await host.DecideAsync(taskId, "sam", "security-officers", "approve");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("awaiting-approval", firstBody.GetProperty("requestStatus").GetString());

        // The same officer again (new decision id) counts once.
        var (again, againBody) = await host.DecideAsync(taskId, "sam", "security-officers", "approve");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False(againBody.GetProperty("recorded").GetBoolean());
        Assert.Equal("awaiting-approval", (await host.GetRequestAsync(id)).GetProperty("status").GetString());

        var (second, _) = await host.DecideAsync(taskId, "sue", "security-officers", "approve");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var done = await host.WaitForStatusAsync(id, "dry-run");
        Assert.Equal(["sam", "sue"], done.GetProperty("tasks")[0].GetProperty("approvals").EnumerateArray().Select(a => a.GetString()!).ToArray());
    }
}
