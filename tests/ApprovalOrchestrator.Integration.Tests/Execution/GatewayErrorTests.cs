using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Testing;
using static ApprovalOrchestrator.Integration.Tests.Execution.GatewayTestKit;

namespace ApprovalOrchestrator.Integration.Tests.Execution;

/// <summary>Refusals and failures: the Gateway's message is kept, tools are never retried, and the token never leaks.</summary>
public sealed class GatewayErrorTests
{
    [Fact]
    public async Task Wrong_token_gives_401_failed_at_once_with_the_gateway_message_and_no_token_anywhere()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        const string wrong = "wrong-token-0c7f3aa1";
        var (client, log) = Client(Options(fake.BaseUrl, token: wrong));

        var outcome = await client.SendAsync(Chat(), Ct);

        Assert.Equal(GatewayOutcomeStatus.Failed, outcome.Status);
        Assert.Equal(401, outcome.HttpStatus);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal("Unauthorized", outcome.Error);
        Assert.Equal("unauthorized", outcome.ErrorType);
        Assert.Single(fake.Requests);
        Assert.Equal("Bearer " + wrong, fake.Requests[0].Header("Authorization"));
        Assert.DoesNotContain(wrong, Serialize(outcome));
        Assert.All(log.Entries, e => Assert.DoesNotContain(wrong, e.Message));
    }

    [Theory]
    [InlineData(400, "invalid_request_error", "Invalid model: 'openclaw:ghost'")]
    [InlineData(403, "forbidden", "blocked by policy")]
    [InlineData(404, "not_found", "unknown agent")]
    public async Task Chat_client_errors_fail_at_once_with_message_and_type(int status, string type, string message)
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.Enqueue(FakeGateway.ChatPath, FakeResponse.Error(status, type, message));
        var (client, _) = Client(Options(fake.BaseUrl));

        var outcome = await client.SendAsync(Chat(), Ct);

        Assert.Equal(GatewayOutcomeStatus.Failed, outcome.Status);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.Equal(message, outcome.Error);
        Assert.Equal(type, outcome.ErrorType);
        Assert.Equal(1, outcome.Attempts);
        Assert.Single(fake.RequestsTo(FakeGateway.ChatPath));
    }

    [Fact]
    public async Task Empty_agent_id_uses_the_bare_openclaw_model()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var (client, _) = Client(Options(fake.BaseUrl));

        // An empty agent id maps to the bare "openclaw" model, which the Gateway accepts.
        var outcome = await client.SendAsync(Chat(agentId: ""), Ct);

        Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal("openclaw", Assert.Single(fake.Requests).Body!.Value.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Tool_not_available_fails_with_the_gateway_message_and_is_not_retried()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var (client, _) = Client(Options(fake.BaseUrl));
        var call = Tool("exec", args: null);

        var outcome = await client.SendAsync(call, Ct);

        Assert.Equal(GatewayOutcomeStatus.Failed, outcome.Status);
        Assert.Equal(404, outcome.HttpStatus);
        Assert.Equal("Tool not available: exec", outcome.Error);
        Assert.Equal("not_found", outcome.ErrorType);
        Assert.Equal(1, outcome.Attempts);
        Assert.Single(fake.RequestsTo(FakeGateway.ToolPath));
        Assert.Equal(1, fake.ToolInvocationCount(call.IdempotencyKey));
    }

    [Theory]
    [InlineData(500, GatewayOutcomeStatus.MayHaveRun)]
    [InlineData(503, GatewayOutcomeStatus.MayHaveRun)]
    [InlineData(429, GatewayOutcomeStatus.Failed)]
    [InlineData(408, GatewayOutcomeStatus.MayHaveRun)]
    public async Task Tool_transient_failures_are_never_retried_and_only_a_proven_refusal_is_failed(int status, GatewayOutcomeStatus expected)
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.Enqueue(FakeGateway.ToolPath, FakeResponse.Error(status, "api_error", "tool runner crashed").WithHeader("Retry-After", "0"));
        var (client, _) = Client(Options(fake.BaseUrl));
        var call = Tool("sessions_list", "json");

        var outcome = await client.SendAsync(call, Ct);

        Assert.Equal(expected, outcome.Status);
        Assert.Equal(status, outcome.HttpStatus);
        Assert.EndsWith("tool runner crashed", outcome.Error, StringComparison.Ordinal);
        Assert.Equal("api_error", outcome.ErrorType);
        Assert.Equal(1, outcome.Attempts);
        Assert.Single(fake.RequestsTo(FakeGateway.ToolPath));
        Assert.Equal(1, fake.ToolInvocationCount(call.IdempotencyKey));
    }

    [Fact]
    public async Task Tool_200_with_ok_false_may_have_run()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        fake.Enqueue(FakeGateway.ToolPath, FakeResponse.Raw(200, """{"ok":false,"error":{"type":"tool_error","message":"session not found"}}"""));
        var (client, _) = Client(Options(fake.BaseUrl));

        var outcome = await client.SendAsync(Tool("sessions_list"), Ct);

        // A 2xx proves the Gateway took the call; "ok: false" does not prove the tool did nothing.
        Assert.Equal(GatewayOutcomeStatus.MayHaveRun, outcome.Status);
        Assert.Equal(200, outcome.HttpStatus);
        Assert.Equal("session not found", outcome.Error);
        Assert.Equal("tool_error", outcome.ErrorType);
        Assert.NotNull(outcome.Response);
    }

    [Fact]
    public async Task Tool_401_in_chat_shape_is_parsed()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var (client, _) = Client(Options(fake.BaseUrl, token: "not-the-token"));

        var outcome = await client.SendAsync(Tool("sessions_list"), Ct);

        Assert.Equal(401, outcome.HttpStatus);
        Assert.Equal("Unauthorized", outcome.Error);
        Assert.Equal("unauthorized", outcome.ErrorType);
    }

    [Fact]
    public async Task Non_json_error_body_becomes_a_truncated_snippet()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var html = "<html><body>" + new string('x', 5000) + "</body></html>";
        fake.Enqueue(FakeGateway.ToolPath, FakeResponse.Raw(502, html, "text/html"));
        var (client, _) = Client(Options(fake.BaseUrl));

        var outcome = await client.SendAsync(Tool("sessions_list"), Ct);

        Assert.Equal(GatewayOutcomeStatus.MayHaveRun, outcome.Status);
        Assert.Equal(502, outcome.HttpStatus);
        Assert.Contains(": <html><body>xxx", outcome.Error, StringComparison.Ordinal);
        Assert.True(outcome.Error!.Length <= 600, $"error is {outcome.Error.Length} chars");
        Assert.Equal("http-502", outcome.ErrorType);
    }

    [Fact]
    public async Task Token_echoed_by_the_gateway_is_scrubbed_from_error_and_outcome()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var token = FakeGateway.DefaultToken;
        fake.Enqueue(FakeGateway.ChatPath, FakeResponse.Error(400, "invalid_request_error " + token, $"bad header 'Bearer {token}' ({token})"));
        fake.Enqueue(FakeGateway.ToolPath, FakeResponse.Raw(500, $"panic: token={token}", "text/plain"));
        var (client, log) = Client(Options(fake.BaseUrl));

        var chat = await client.SendAsync(Chat(), Ct);
        var tool = await client.SendAsync(Tool("sessions_list"), Ct);

        Assert.Equal("bad header 'Bearer [redacted]' ([redacted])", chat.Error);
        Assert.Equal("invalid_request_error [redacted]", chat.ErrorType);
        Assert.EndsWith(": panic: token=[redacted]", tool.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(token, Serialize(chat));
        Assert.DoesNotContain(token, Serialize(tool));
        Assert.All(log.Entries, e => Assert.DoesNotContain(token, e.Message));
    }
}
