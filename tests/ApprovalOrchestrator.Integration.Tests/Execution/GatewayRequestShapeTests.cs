using System.Text.Json;
using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Testing;
using static ApprovalOrchestrator.Integration.Tests.Execution.GatewayTestKit;

namespace ApprovalOrchestrator.Integration.Tests.Execution;

/// <summary>What goes over the wire, checked on a real fake Gateway on 127.0.0.1.</summary>
public sealed class GatewayRequestShapeTests
{
    [Fact]
    public async Task Chat_call_sends_the_documented_request_and_keeps_an_exact_redacted_record()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var (client, _) = Client(Options(fake.BaseUrl));

        var outcome = await client.SendAsync(Chat(), Ct);

        Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(200, outcome.HttpStatus);

        var received = Assert.Single(fake.RequestsTo(FakeGateway.ChatPath));
        Assert.Equal("POST", received.Method);
        Assert.Equal("Bearer " + FakeGateway.DefaultToken, received.Header("Authorization"));
        Assert.Equal(SessionKey, received.Header("x-openclaw-session-key"));

        var body = received.Body!.Value;
        Assert.Equal("openclaw:main", body.GetProperty("model").GetString());
        Assert.Equal(Requester, body.GetProperty("user").GetString());
        Assert.Equal(0.2, body.GetProperty("temperature").GetDouble());
        Assert.False(body.GetProperty("stream").GetBoolean());
        var messages = body.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal(GovernancePrompt.Text, messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        var userContent = messages[1].GetProperty("content").GetString()!;
        Assert.Equal($"Governance classification:\n{ClassificationJson}\n\nUser request:\n{RequestText}", userContent);

        // The outcome holds the parsed answer and exactly the bytes that were sent, with the token redacted.
        Assert.Equal(FakeGatewayDefaults.ChatReply("openclaw:main", userContent),
            outcome.Response!.Value.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("chat.completion", outcome.Response.Value.GetProperty("object").GetString());
        Assert.Equal(fake.BaseUrl + "/v1/chat/completions", outcome.Request.Url);
        Assert.Equal("POST", outcome.Request.Method);
        Assert.Equal("Bearer [redacted]", outcome.Request.Headers["Authorization"]);
        Assert.Equal(SessionKey, outcome.Request.Headers["x-openclaw-session-key"]);
        Assert.Equal(received.RawBody, outcome.Request.Body.GetRawText());
        Assert.DoesNotContain(FakeGateway.DefaultToken, Serialize(outcome));
    }

    [Fact]
    public void Governance_prompt_covers_the_required_rules()
    {
        // The wording is ours; these are the commitments it must carry.
        var text = GovernancePrompt.Text;
        Assert.Contains("external governance layer", text);
        Assert.Contains("Never claim", text);
        Assert.Contains("Low risk", text);
        Assert.Contains("Moderate risk", text);
        Assert.Contains("approvals", text);
        Assert.Contains("High risk: refuse", text);
        Assert.Contains("draft, a checklist", text);
    }

    [Fact]
    public async Task Tool_call_sends_the_documented_request_with_its_idempotency_key_once()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var (client, _) = Client(Options(fake.BaseUrl));
        using var args = JsonDocument.Parse("""{"limit":5,"filter":{"active":true}}""");
        var call = Tool("sessions_list", "json", args.RootElement.Clone());

        var outcome = await client.SendAsync(call, Ct);

        Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        var received = Assert.Single(fake.RequestsTo(FakeGateway.ToolPath));
        Assert.Equal("Bearer " + FakeGateway.DefaultToken, received.Header("Authorization"));
        var body = received.Body!.Value;
        Assert.Equal(["tool", "action", "args", "sessionKey", "idempotencyKey"], body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("sessions_list", body.GetProperty("tool").GetString());
        Assert.Equal("json", body.GetProperty("action").GetString());
        Assert.Equal(5, body.GetProperty("args").GetProperty("limit").GetInt32());
        Assert.True(body.GetProperty("args").GetProperty("filter").GetProperty("active").GetBoolean());
        Assert.Equal(SessionKey, body.GetProperty("sessionKey").GetString());
        Assert.Equal(call.IdempotencyKey, body.GetProperty("idempotencyKey").GetString());
        Assert.Equal(1, fake.ToolInvocationCount(call.IdempotencyKey));

        Assert.True(outcome.Response!.Value.GetProperty("ok").GetBoolean());
        Assert.Equal("fake-openclaw ran sessions_list (json)",
            outcome.Response.Value.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(fake.BaseUrl + "/tools/invoke", outcome.Request.Url);
        Assert.Equal("Bearer [redacted]", outcome.Request.Headers["Authorization"]);
        Assert.Equal(received.RawBody, outcome.Request.Body.GetRawText());
    }

    [Fact]
    public async Task Tool_call_without_action_or_args_omits_action_and_sends_empty_args()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var (client, _) = Client(Options(fake.BaseUrl));

        var outcome = await client.SendAsync(Tool("sessions_list"), Ct);

        Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
        var body = Assert.Single(fake.RequestsTo(FakeGateway.ToolPath)).Body!.Value;
        Assert.False(body.TryGetProperty("action", out _));
        Assert.Equal(JsonValueKind.Object, body.GetProperty("args").ValueKind);
        Assert.Empty(body.GetProperty("args").EnumerateObject());
    }

    [Fact]
    public async Task Without_a_base_url_nothing_is_sent_and_the_outcome_shows_the_request_that_would_be()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var (client, log) = Client(Options(baseUrl: null));
        Assert.False(client.IsConfigured);

        var chat = await client.SendAsync(Chat(), Ct);
        var tool = await client.SendAsync(Tool("sessions_list", "json"), Ct);

        Assert.Empty(fake.Requests);
        Assert.Empty(log.Entries);
        foreach (var (outcome, path) in new[] { (chat, "/v1/chat/completions"), (tool, "/tools/invoke") })
        {
            Assert.Equal(GatewayOutcomeStatus.DryRun, outcome.Status);
            Assert.Equal(0, outcome.Attempts);
            Assert.Null(outcome.HttpStatus);
            Assert.Null(outcome.Response);
            Assert.Null(outcome.Error);
            Assert.Equal("POST", outcome.Request.Method);
            Assert.Equal(OpenClawGatewayClient.DryRunBaseUrl + path, outcome.Request.Url);
            Assert.Equal("Bearer [redacted]", outcome.Request.Headers["Authorization"]);
            Assert.DoesNotContain(FakeGateway.DefaultToken, Serialize(outcome));
        }

        Assert.Equal("openclaw:main", chat.Request.Body.GetProperty("model").GetString());
        Assert.Equal("sessions_list", tool.Request.Body.GetProperty("tool").GetString());
    }

    [Fact]
    public async Task Token_is_read_from_the_token_file_and_trimmed()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var path = Path.Combine(Path.GetTempPath(), $"gateway-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(path, "  " + FakeGateway.DefaultToken + "\n", Ct);
        try
        {
            var options = Options(fake.BaseUrl, token: null);
            options.TokenFile = path;
            var (client, _) = Client(options);

            var outcome = await client.SendAsync(Chat(), Ct);

            Assert.Equal(GatewayOutcomeStatus.Succeeded, outcome.Status);
            Assert.Equal("Bearer " + FakeGateway.DefaultToken, Assert.Single(fake.Requests).Header("Authorization"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Missing_token_file_fails_without_sending()
    {
        await using var fake = await FakeGateway.StartAsync(cancellationToken: Ct);
        var options = Options(fake.BaseUrl, token: null);
        options.TokenFile = Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}");
        var (client, _) = Client(options);

        var outcome = await client.SendAsync(Tool("sessions_list"), Ct);

        Assert.Equal(GatewayOutcomeStatus.Failed, outcome.Status);
        Assert.Equal("configuration", outcome.ErrorType);
        Assert.Equal(0, outcome.Attempts);
        Assert.Empty(fake.Requests);
    }
}
