using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Workflow;

/// <summary>Execution through the engine against a real fake Gateway: tools, retries and faults.</summary>
public sealed class GatewayExecutionTests
{
    [Fact]
    public async Task An_approved_tool_request_is_invoked_once_with_the_approvals_idempotency_key()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Send the weekly status update.", tool: new { name = "message_send", action = "send", args = new { channel = "status", body = "All green" } });
        var taskId = await host.OpenTaskIdAsync(id);
        await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        var done = await host.WaitForStatusAsync(id, "executed");

        var call = Assert.Single(gateway.RequestsTo(FakeGateway.ToolPath));
        var expectedKey = $"ao-{id:N}-{taskId:N}";
        Assert.Equal(expectedKey, call.Body!.Value.GetProperty("idempotencyKey").GetString());
        Assert.Equal("message_send", call.Body!.Value.GetProperty("tool").GetString());
        Assert.Equal("All green", call.Body!.Value.GetProperty("args").GetProperty("body").GetString());
        Assert.Equal(1, gateway.ToolInvocationCount(expectedKey));
        Assert.Empty(gateway.RequestsTo(FakeGateway.ChatPath));
        Assert.True(done.GetProperty("outcome").GetProperty("response").GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task A_chat_call_that_fails_with_500_is_retried_and_succeeds()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        gateway.Enqueue(FakeGateway.ChatPath, FakeResponse.Status(500));
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        var done = await host.WaitForStatusAsync(id, "executed");

        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ChatPath).Count);
        Assert.Equal(2, done.GetProperty("outcome").GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_401_fails_the_request_with_the_gateways_message_and_never_the_token()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        const string wrongToken = "wrong-token-5f1c0e9a7b";
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, wrongToken));

        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        var done = await host.WaitForStatusAsync(id, "failed");

        Assert.Single(gateway.RequestsTo(FakeGateway.ChatPath));
        Assert.Equal(401, done.GetProperty("outcome").GetProperty("httpStatus").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(done.GetProperty("reason").GetString()));
        var everything = done.GetRawText() + await host.Client.GetStringAsync("/api/audit?format=jsonl", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(wrongToken, everything);
        Assert.DoesNotContain(gateway.Token, everything);
    }

    [Fact]
    public async Task A_tool_the_gateway_does_not_offer_fails_and_is_not_retried()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Archive the logs.", tool: new { name = "exec", args = new { cmd = "tar czf logs.tgz logs" } });
        // exec is not declared by the reference definition (deny by default): a team lead approves it first.
        var (approved, body) = await host.DecideAsync(await host.OpenTaskIdAsync(id), "tina", "team-leads", "approve");
        Assert.True(approved.IsSuccessStatusCode, body.ToString());
        var done = await host.WaitForStatusAsync(id, "failed");

        Assert.Single(gateway.RequestsTo(FakeGateway.ToolPath));
        Assert.Equal(404, done.GetProperty("outcome").GetProperty("httpStatus").GetInt32());
        Assert.Contains("exec", done.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_chat_response_slower_than_the_timeout_fails_the_request()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        gateway.SetDefault(FakeGateway.ChatPath, FakeResponse.Slow(TimeSpan.FromSeconds(30)));
        var settings = OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token);
        settings["Gateway:ChatMaxAttempts"] = "2";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        // fast-escalation allows the Gateway 2 s per attempt.
        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.", workflow: "fast-escalation");
        var done = await host.WaitForStatusAsync(id, "failed", TimeSpan.FromSeconds(20));

        Assert.Equal("timeout", done.GetProperty("outcome").GetProperty("errorType").GetString());
        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ChatPath).Count);
    }

    [Fact]
    public async Task A_tool_call_that_times_out_goes_to_needs_review_because_it_may_have_run()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        gateway.SetDefault(FakeGateway.ToolPath, FakeResponse.Hang());
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("List sessions.", workflow: "fast-escalation", tool: new { name = "sessions_list", action = "json" });
        await host.WaitForStatusAsync(id, "needs-review", TimeSpan.FromSeconds(20));

        Assert.Single(gateway.RequestsTo(FakeGateway.ToolPath));
    }
}
