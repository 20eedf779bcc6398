using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// An agent shapes a request (or an answer) so a value the reference definition redacts or blocks still crosses the
/// Gateway, or an approver's decision is bent onto something other than what is sent. Checked on the bytes the HTTP
/// Gateway stand-in received and on what the API stores and shows. Pure variants: Core.Tests/Adversarial/GuardrailEvasionTests.
/// </summary>
public sealed class GuardrailEvasionTests
{
    private const string Email = "bob.smith@example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_card_split_across_arguments_of_a_declared_tool_waits_for_people_instead_of_running()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        // sessions_list is declared (runs without approval); the split card is what sends it to people.
        var id = await host.SubmitOkAsync("List sessions.", tool: new { name = "sessions_list", action = "json", args = new { a = "4111 1111", b = "1111 1111" } });
        await host.OpenTaskIdAsync(id);

        Assert.Empty(gateway.RequestsTo(FakeGateway.ToolPath));
        var request = await host.GetRequestAsync(id);
        Assert.Equal("require-approval", request.GetProperty("guardrails").GetProperty("actions").GetProperty("payment-card").GetString());
    }

    [Theory]
    [InlineData("４１１１ １１１１ １１１１ １１１１")] // full-width digits
    [InlineData("4111\u200B1111\u200B1111\u200B1111")] // zero-width spaces
    [InlineData("४१११ ११११ ११११ ११११")] // Devanagari digits
    [InlineData("bob\u200B.smith@example.com")] // zero-width space in an address
    [InlineData("ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ")] // full-width address
    public async Task Disguised_values_never_reach_the_gateway_in_any_form(string value)
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync($"Summarize the notes on {value} for the record.");
        await host.WaitForStatusAsync(id, "executed");

        // Decoded, not the raw bytes: the serializer escapes non-ASCII, so a raw check would pass trivially.
        var body = Assert.Single(gateway.RequestsTo(FakeGateway.ChatPath)).Body!.Value;
        var sent = string.Join("\n", body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.DoesNotContain(value, sent);
        Assert.Contains("#1]", sent);
        foreach (var fragment in new[] { "4111", "1111", "smith", "ｂｏｂ", "४१११" })
        {
            Assert.DoesNotContain(fragment, sent);
        }
    }

    [Fact]
    public async Task An_approval_computed_over_the_unredacted_request_is_refused_as_stale()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var text = $"Send the summary to {Email}.";
        var id = await host.SubmitOkAsync(text);
        var taskId = await host.OpenTaskIdAsync(id);
        var request = await host.GetRequestAsync(id);
        var definitionHash = request.GetProperty("workflow").GetProperty("hash").GetString()!;
        var unredacted = ActionHash.Compute(new AgentRequest("x", "alice", "main", text, null), definitionHash);

        var (response, _) = await host.DecideAsync(taskId, "tina", "team-leads", "approve", actionHash: unredacted);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("awaiting-approval", (await host.GetRequestAsync(id)).GetProperty("status").GetString());
        Assert.Empty(gateway.RequestsTo(FakeGateway.ChatPath));
    }

    [Fact]
    public async Task A_private_key_in_the_agents_answer_is_not_kept()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        var key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----";
        gateway.Enqueue(FakeGateway.ToolPath, FakeResponse.Json(200, new { ok = true, result = new { content = new[] { new { type = "text", text = $"found {key}" } } } }));
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("List sessions.", tool: new { name = "sessions_list", action = "json" });
        var done = await host.WaitForStatusAsync(id, "executed");

        Assert.DoesNotContain("b3BlbnNzaC1rZXkt", done.GetRawText());
        Assert.Contains("[private-key#1]", done.GetProperty("outcome").GetProperty("response").GetRawText());
    }

    [Fact]
    public async Task A_gateway_error_that_quotes_the_request_is_stored_redacted()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        gateway.Enqueue(FakeGateway.ChatPath, FakeResponse.Error(400, "invalid_request_error", $"unknown recipient {Email}"));
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        var done = await host.WaitForStatusAsync(id, "failed");

        Assert.Contains("[email#1]", done.GetProperty("reason").GetString());
        Assert.DoesNotContain(Email, done.GetRawText());
    }

    [Fact]
    public async Task A_caller_cannot_pick_a_workflow_without_guardrails_to_send_values_as_written()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Workflows:AllowChoice:0"] = null,
            ["Workflows:AllowChoice:1"] = null,
            ["Workflows:AllowChoice:2"] = null,
        });

        var (response, problem) = await host.SubmitAsync(new { requester = "mallory", text = $"Summarize {Email}.", workflow = "escalate-then-wait" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("workflow", problem.GetRawText());
    }
}
