using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using Dapper;

namespace ApprovalOrchestrator.Integration.Tests.Guardrails;

/// <summary>
/// Guardrails end to end against the real HTTP Gateway stand-in: the exact bytes it receives hold placeholders and no
/// original value, its answers are screened before they are stored and published, private keys block, and the agent
/// runtime record reaches the API.
/// </summary>
public sealed class GuardrailGatewayTests
{
    private const string Email = "bob.smith@example.com";
    private const string Card = "4111 1111 1111 1111";
    private const string CardDigits = "4111111111111111";
    private const string Iban = "DE89370400440532013000";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_chat_request_reaches_the_gateway_with_placeholders_and_no_original_value()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync($"Summarize the thread with {Email} about card {Card} and IBAN {Iban}.");
        var done = await host.WaitForStatusAsync(id, "executed");

        var raw = Assert.Single(gateway.RequestsTo(FakeGateway.ChatPath)).RawBody;
        Assert.Contains("[email#1]", raw);
        Assert.Contains("[payment-card#1]", raw);
        Assert.Contains("[iban#1]", raw);
        AssertNoOriginal(raw);
        // The classification JSON inside the user message is built from the redacted request too.
        Assert.Contains("user_request", raw);

        var guardrails = done.GetProperty("guardrails");
        Assert.Equal("redact", guardrails.GetProperty("decision").GetString());
        Assert.Equal(1, guardrails.GetProperty("findings").GetProperty("payment-card").GetInt32());
        // The stored request record in the outcome is the redacted one as well.
        AssertNoOriginal(done.GetProperty("outcome").GetRawText());
        var audit = await host.Admin.GetStringAsync($"/api/audit?format=jsonl", Ct);
        Assert.Contains("\"payment-card\":1", audit);
    }

    [Fact]
    public async Task An_approved_tool_call_sends_redacted_args_and_the_approver_saw_exactly_them()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync(
            $"Send the receipt to {Email}.",
            tool: new { name = "message_send", action = "send", args = new { to = Email, cc = new[] { Email.ToUpperInvariant() }, body = $"Card {Card}, IBAN {Iban}" } });
        var taskId = await host.OpenTaskIdAsync(id);
        var task = await host.GetTaskAsync(taskId);

        // The approver sees both: what was asked, and what will be sent (what the action hash covers).
        Assert.Contains(Email, task.GetProperty("text").GetString());
        var sent = task.GetProperty("sent");
        Assert.Equal("Send the receipt to [email#1].", sent.GetProperty("text").GetString());
        Assert.Equal("""{"to":"[email#1]","cc":["[email#1]"],"body":"Card [payment-card#1], IBAN [iban#1]"}""", sent.GetProperty("tool").GetProperty("args").GetRawText());
        Assert.Equal(1, task.GetProperty("guardrails").GetProperty("redacted").GetProperty("email").GetInt32());

        var (decided, body) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        Assert.True(decided.IsSuccessStatusCode, body.ToString());
        await host.WaitForStatusAsync(id, "executed");

        var call = Assert.Single(gateway.RequestsTo(FakeGateway.ToolPath));
        AssertNoOriginal(call.RawBody);
        Assert.Equal(sent.GetProperty("tool").GetProperty("args").GetRawText(), call.Body!.Value.GetProperty("args").GetRawText());
    }

    [Fact]
    public async Task A_card_number_in_the_answer_is_redacted_before_it_is_stored_and_published()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        gateway.Enqueue(FakeGateway.ChatPath, FakeResponse.Json(200, ChatAnswer($"The card on file is {Card}; mail {Email}.")));
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.KeepingSentMessages(OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token)));

        var id = await host.SubmitOkAsync($"Summarize the account of {Email}.");
        var done = await host.WaitForStatusAsync(id, "executed");

        var outcome = done.GetProperty("outcome");
        var content = outcome.GetProperty("response").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        // The answer's address is the one sent as [email#1]: it keeps that placeholder.
        Assert.Equal("The card on file is [payment-card#1]; mail [email#1].", content);
        Assert.Equal("redact", outcome.GetProperty("responseGuardrails").GetProperty("action").GetString());
        AssertNoOriginal(outcome.GetRawText());

        // The stored row: the request as submitted is kept (it holds the address), the answer's card never is.
        await using var connection = host.Database.Open();
        var state = Runtime.Engine.InstanceState.Text((await connection.ExecuteScalarAsync<object>("SELECT state FROM instances WHERE id = @id", new { id = id.ToString() }))!);
        Assert.Contains("[payment-card#1]", state);
        Assert.DoesNotContain(Card, state);
        Assert.DoesNotContain(CardDigits, state);
        var published = await connection.ExecuteScalarAsync<string>(
            "SELECT body FROM outbox WHERE message_type LIKE '%AgentRequestCompleted%' AND body LIKE @id", new { id = $"%{id}%" });
        Assert.Contains("[payment-card#1]", published);
        AssertNoOriginal(published!);
    }

    [Fact]
    public async Task A_private_key_blocks_the_request_and_nothing_reaches_the_gateway()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Summarize this config:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----");
        var done = await host.WaitForStatusAsync(id, "blocked");

        Assert.Contains("private-key", done.GetProperty("reason").GetString());
        Assert.Equal("block", done.GetProperty("guardrails").GetProperty("decision").GetString());
        Assert.DoesNotContain(gateway.Requests, r => r.Path is FakeGateway.ChatPath or FakeGateway.ToolPath);
    }

    [Fact]
    public async Task The_runtime_record_names_agent_models_usage_latency_and_attempts()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        gateway.Enqueue(FakeGateway.ChatPath, FakeResponse.Status(500));
        gateway.Enqueue(FakeGateway.ChatPath, FakeResponse.Json(200, ChatAnswer("Fine.", "openai/gpt-5-mini-2026-08")).WithHeader("x-openclaw-model", "openai/gpt-5-mini-2026-08"));
        var settings = OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token);
        settings["Workflows:AllowChoice:3"] = "guarded-model";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.", workflow: "guarded-model");
        var done = await host.WaitForStatusAsync(id, "executed");

        var sent = gateway.RequestsTo(FakeGateway.ChatPath);
        Assert.Equal(2, sent.Count);
        Assert.All(sent, r => Assert.Equal("openai/gpt-5-mini", r.Header("x-openclaw-model")));
        var runtime = done.GetProperty("runtime");
        Assert.Equal("main", runtime.GetProperty("agentId").GetString());
        Assert.Equal("openclaw:main", runtime.GetProperty("target").GetString());
        Assert.Equal("openai/gpt-5-mini", runtime.GetProperty("backendModel").GetString());
        Assert.Equal("openai/gpt-5-mini-2026-08", runtime.GetProperty("reportedModel").GetString());
        Assert.Equal(12, runtime.GetProperty("usage").GetProperty("promptTokens").GetInt64());
        Assert.Equal(5, runtime.GetProperty("usage").GetProperty("completionTokens").GetInt64());
        Assert.Equal(17, runtime.GetProperty("usage").GetProperty("totalTokens").GetInt64());
        Assert.Equal(2, runtime.GetProperty("attempts").GetInt32());
        Assert.True(runtime.GetProperty("latencyMs").GetInt64() >= 0);

        var audit = await host.Admin.GetStringAsync($"/api/audit?format=jsonl", Ct);
        Assert.Contains("\"reportedModel\":\"openai/gpt-5-mini-2026-08\"", audit);
    }

    [Fact]
    public async Task A_route_that_withholds_answers_keeps_only_the_detector_counts()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        gateway.Enqueue(FakeGateway.ChatPath, FakeResponse.Json(200, ChatAnswer($"Sure: {Card}")));
        var settings = OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token);
        settings["Workflows:AllowChoice:3"] = "guarded-model";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.", workflow: "guarded-model");
        var done = await host.WaitForStatusAsync(id, "executed");

        var response = done.GetProperty("outcome").GetProperty("response");
        Assert.True(response.GetProperty("withheld").GetBoolean());
        Assert.Equal(1, response.GetProperty("findings").GetProperty("payment-card").GetInt32());
        Assert.DoesNotContain("Sure", done.GetRawText());
        AssertNoOriginal(done.GetRawText());
    }

    [Fact]
    public async Task Require_approval_sends_a_green_request_with_an_iban_to_people_first()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        var settings = OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token);
        settings["Workflows:AllowChoice:3"] = "guarded-model";
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        var id = await host.SubmitOkAsync($"Summarize the payments to {Iban}.", workflow: "guarded-model");
        var taskId = await host.OpenTaskIdAsync(id);

        Assert.Empty(gateway.RequestsTo(FakeGateway.ChatPath));
        var request = await host.GetRequestAsync(id);
        Assert.Equal("green", request.GetProperty("risk").GetString());
        Assert.Equal("green", request.GetProperty("guardrails").GetProperty("classifiedRoute").GetString());
        await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        await host.WaitForStatusAsync(id, "executed");
        Assert.Contains(Iban, Assert.Single(gateway.RequestsTo(FakeGateway.ChatPath)).RawBody);
    }

    private static object ChatAnswer(string content, string model = "openclaw:main") => new
    {
        id = "chatcmpl_guard",
        @object = "chat.completion",
        created = 1_700_000_000,
        model,
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 12, completion_tokens = 5, total_tokens = 17 },
    };

    private static void AssertNoOriginal(string text)
    {
        Assert.DoesNotContain(Email, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Card, text);
        Assert.DoesNotContain(CardDigits, text);
        Assert.DoesNotContain("1111 1111", text);
        Assert.DoesNotContain(Iban, text);
    }
}
