using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on at-most-once (issue 9, class 6): a Gateway (or anything between us and it) that answers a tool call in a
/// way that does not prove the tool did not run. Each must end <c>needs-review</c> with the tool invoked exactly once,
/// never <c>failed</c> (which invites a resubmit and a second run) and never retried. Only a documented refusal is failed.
/// Against the real server and the real HTTP stand-in on 127.0.0.1.
/// </summary>
public sealed class MayHaveRunTests(MayHaveRunTests.Fixture fixture) : IClassFixture<MayHaveRunTests.Fixture>
{
    private const int Cap = 64 * 1024;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_connection_dropped_after_the_request_was_read_needs_review_not_failed()
    {
        await fixture.AssertMayHaveRunAsync(FakeResponse.DropAfterRequest());
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_gateway_or_proxy_error_5xx_with_an_html_body_needs_review(int status)
    {
        await fixture.AssertMayHaveRunAsync(FakeResponse.Raw(status, "<html><body>Bad Gateway</body></html>", "text/html"));
    }

    [Fact]
    public async Task A_500_in_the_documented_error_shape_still_needs_review_because_a_5xx_proves_nothing()
    {
        await fixture.AssertMayHaveRunAsync(FakeResponse.Error(500, "api_error", "tool runner crashed"));
    }

    [Fact]
    public async Task A_2xx_whose_body_is_not_json_needs_review()
    {
        await fixture.AssertMayHaveRunAsync(FakeResponse.Raw(200, "OK, done!", "text/plain"));
    }

    [Fact]
    public async Task A_2xx_saying_ok_false_needs_review_because_the_tool_may_have_partly_run()
    {
        await fixture.AssertMayHaveRunAsync(FakeResponse.Raw(200, """{"ok":false,"error":{"type":"tool_error","message":"half way"}}"""));
    }

    [Fact]
    public async Task A_response_cut_off_mid_body_with_a_longer_content_length_needs_review()
    {
        await fixture.AssertMayHaveRunAsync(FakeResponse.Truncated(200, """{"ok":true,"result":{"content":[{"type":"text","text":"sent to 3 people"}]}}""", sentBytes: 20));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_needs_review()
    {
        // Following a 307 would re-send the tool call to wherever the Location points.
        var redirect = FakeResponse.Raw(307, "").WithHeader("Location", fixture.Gateway.BaseUrl + FakeGateway.ToolPath);
        await fixture.AssertMayHaveRunAsync(redirect);
    }

    [Fact]
    public async Task A_refusal_status_without_the_documented_body_needs_review_since_a_proxy_may_have_sent_it()
    {
        await fixture.AssertMayHaveRunAsync(FakeResponse.Raw(404, "<html>Not Found</html>", "text/html"));
    }

    [Fact]
    public async Task A_timeout_after_sending_needs_review_and_is_not_retried()
    {
        // fast-escalation gives the Gateway 2 s per attempt.
        await fixture.AssertMayHaveRunAsync(FakeResponse.Hang(), workflow: "fast-escalation");
    }

    [Fact]
    public async Task A_connection_dropped_on_a_warm_pool_is_not_silently_resent_by_the_http_stack()
    {
        // A chat call first, so a pooled connection to the Gateway would exist if we kept one.
        var chat = await fixture.Host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        await fixture.Host.WaitForStatusAsync(chat, "executed");
        await fixture.AssertMayHaveRunAsync(FakeResponse.DropAfterRequest());
    }

    [Fact]
    public async Task A_huge_tool_answer_is_stored_as_a_capped_marker_with_size_and_hash_and_needs_review()
    {
        var (request, _) = await fixture.AssertMayHaveRunAsync(FakeResponse.HugeToolSuccess(Cap * 3));

        var response = request.GetProperty("outcome").GetProperty("response");
        Assert.True(response.GetProperty("truncated").GetBoolean());
        Assert.InRange(response.GetProperty("sizeBytes").GetInt64(), Cap * 3 - 100, Cap * 3 + 100);
        Assert.StartsWith("sha256:", response.GetProperty("sha256").GetString(), StringComparison.Ordinal);
        Assert.True(request.GetProperty("outcome").GetRawText().Length < Cap, "the stored outcome must stay under the cap");
        Assert.True((await fixture.CompletedEventAsync(request.GetProperty("id").GetGuid())).Length < Cap, "the published event must stay under the cap");
    }

    [Theory]
    [InlineData(400, "invalid_request")]
    [InlineData(403, "forbidden")]
    [InlineData(404, "not_found")]
    [InlineData(413, "payload_too_large")]
    [InlineData(429, "rate_limit")]
    public async Task Only_a_documented_refusal_proves_the_tool_did_not_run_and_fails(int status, string type)
    {
        var id = await fixture.SubmitToolAsync(FakeResponse.Error(status, type, "refused before running"));
        var done = await fixture.Host.WaitForStatusAsync(id, "failed");

        Assert.Equal(status, done.GetProperty("outcome").GetProperty("httpStatus").GetInt32());
        Assert.Equal(1, fixture.Gateway.ToolInvocationCount($"ao-{id:N}"));
        Assert.Equal("failed", await fixture.CompletedStatusAsync(id));
    }

    [Fact]
    public async Task A_chat_call_keeps_retrying_after_a_dropped_connection_because_it_is_read_only()
    {
        fixture.Gateway.Enqueue(FakeGateway.ChatPath, FakeResponse.DropAfterRequest());
        var before = fixture.Gateway.RequestsTo(FakeGateway.ChatPath).Count;
        var id = await fixture.Host.SubmitOkAsync("Summarize the governance policy for the new starters.");

        await fixture.Host.WaitForStatusAsync(id, "executed");
        Assert.Equal(before + 2, fixture.Gateway.RequestsTo(FakeGateway.ChatPath).Count);
    }

    [Fact]
    public async Task A_refused_connection_proves_nothing_was_sent_and_fails()
    {
        // A port that was just listening and is now closed: the connect is refused, no byte left our process.
        var closed = await FakeGateway.StartAsync(cancellationToken: Ct);
        var url = closed.BaseUrl;
        await closed.DisposeAsync();
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(url, FakeGateway.DefaultToken));

        var id = await host.SubmitOkAsync("List sessions.", tool: new { name = "sessions_list", action = "json" });
        var done = await host.WaitForStatusAsync(id, "failed");

        Assert.Equal("connection", done.GetProperty("outcome").GetProperty("errorType").GetString());
        Assert.Contains("Nothing was sent", done.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    /// <summary>One fake Gateway and one server for the class (tests in a class run one after another, so scripts do not mix).</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public FakeGateway Gateway { get; private set; } = null!;

        public OrchestratorHost Host { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
            var settings = OrchestratorHost.KeepingSentMessages(OrchestratorHost.WithGateway(Gateway.BaseUrl, Gateway.Token));
            settings["Gateway:MaxResponseBytes"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Host = await OrchestratorHost.StartAsync(settings: settings);
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Gateway.DisposeAsync();
        }

        /// <summary>Submits a green tool call that runs without approval, the Gateway answering it with <paramref name="answer"/>.</summary>
        public async Task<Guid> SubmitToolAsync(FakeResponse answer, string? workflow = null)
        {
            Gateway.Enqueue(FakeGateway.ToolPath, answer);
            return await Host.SubmitOkAsync("List sessions.", workflow: workflow, tool: new { name = "sessions_list", action = "json" });
        }

        /// <summary>The whole claim: needs-review, invoked exactly once (no retry), and the completion event says so.</summary>
        public async Task<(JsonElement Request, Guid Id)> AssertMayHaveRunAsync(FakeResponse answer, string? workflow = null)
        {
            var id = await SubmitToolAsync(answer, workflow);
            var done = await Host.WaitForStatusAsync(id, "needs-review");

            Assert.Equal(1, Gateway.ToolInvocationCount($"ao-{id:N}"));
            Assert.Equal("needs-review", await CompletedStatusAsync(id));
            Assert.Contains("may have run", done.GetProperty("reason").GetString(), StringComparison.Ordinal);
            return (done, id);
        }

        public async Task<string?> CompletedStatusAsync(Guid id)
        {
            using var doc = JsonDocument.Parse(await CompletedEventAsync(id));
            return doc.RootElement.EnumerateObject().Single(p => p.Name.Equals("status", StringComparison.OrdinalIgnoreCase)).Value.GetString();
        }

        /// <summary>The AgentRequestCompleted message for the request, as committed to the outbox (what is published).</summary>
        public async Task<string> CompletedEventAsync(Guid id)
        {
            await using var connection = Host.Database.Open();
            return await connection.QuerySingleAsync<string>(
                "SELECT body FROM outbox WHERE message_type LIKE '%AgentRequestCompleted%' AND body LIKE @id",
                new { id = $"%{id}%" });
        }
    }
}
