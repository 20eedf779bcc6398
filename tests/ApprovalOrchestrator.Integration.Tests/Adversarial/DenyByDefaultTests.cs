using System.Net;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Definitions;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Deny by default, against the real server and a real Gateway stand-in: a tool, action or agent the definition does not
/// declare never reaches the Gateway unapproved. Each request either is refused at intake (400 naming the field) or waits
/// for approval with the reason; the Gateway sees no tool call.
/// </summary>
public sealed class DenyByDefaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Undeclared_tool_with_harmless_text_waits_for_approval_and_is_never_sent()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Tidy up.", tool: new { name = "exec", action = "run", args = new { cmd = "ls" } });
        var request = await host.WaitForStatusAsync(id, "awaiting-approval");

        Assert.Equal("amber", request.GetProperty("risk").GetString());
        Assert.Contains("deny-by-default/tool", Strings(request.GetProperty("matchedRules")));
        Assert.StartsWith("Tool 'exec' is not declared by definition 'agent-action-approval' v1", request.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(gateway.RequestsTo(FakeGateway.ToolPath));
    }

    [Fact]
    public async Task Declared_read_only_tool_runs_at_once()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("List my sessions.", tool: new { name = "sessions_list", action = "json" });
        await host.WaitForStatusAsync(id, "executed");
        Assert.Single(gateway.RequestsTo(FakeGateway.ToolPath));
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("LIST")]
    [InlineData(null)]
    public async Task Declared_tool_with_an_undeclared_action_waits_for_approval(string? action)
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        await DefinitionApi.PublishAsync(host, CatalogKit.ReferenceSource.Replace("  sessions_list: {}\n", "  sessions_list: {}\n  files: { actions: [list] }\n", StringComparison.Ordinal));

        var id = await host.SubmitOkAsync("Look at the files.", tool: new { name = "files", action });
        var request = await host.WaitForStatusAsync(id, "awaiting-approval");
        Assert.Contains("deny-by-default/tool", Strings(request.GetProperty("matchedRules")));
        Assert.Empty(gateway.RequestsTo(FakeGateway.ToolPath));
    }

    [Theory]
    [InlineData("Sessions_List")]
    [InlineData("SESSIONS_LIST")]
    [InlineData("sessions-list")]
    [InlineData("sessions_list.")]
    [InlineData("sessions_lis")]
    public async Task Identifier_variant_of_a_declared_tool_is_not_declared(string variant)
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("List my sessions.", tool: new { name = variant, action = "json" });
        var request = await host.WaitForStatusAsync(id, "awaiting-approval");
        Assert.Contains("deny-by-default/tool", Strings(request.GetProperty("matchedRules")));
        Assert.Empty(gateway.RequestsTo(FakeGateway.ToolPath));
    }

    [Theory]
    [InlineData("sessions_list ")] // trailing space
    [InlineData(" sessions_list")]
    [InlineData("sessions_list\n")] // a '$' regex would have let this one through intake
    [InlineData("sessions_list\u200B")] // zero-width space
    [InlineData("ｓｅｓｓｉｏｎｓ＿ｌｉｓｔ")] // full-width
    [InlineData("ѕessions_list")] // Cyrillic dze
    [InlineData("")]
    public async Task Non_identifier_variant_of_a_declared_tool_is_refused_at_intake(string variant)
    {
        await using var host = await OrchestratorHost.StartAsync();

        var (response, problem) = await host.SubmitAsync(new { requester = "alice", text = "List my sessions.", tool = new { name = variant, action = "json" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("tool.name", out _), problem.ToString());
        Assert.Equal(0, await TotalAsync(host));
    }

    [Theory]
    [InlineData("intruder")]
    [InlineData("Main")] // case variant of the execution agent
    [InlineData("main.")]
    public async Task Unknown_agent_waits_for_approval_even_for_a_harmless_chat_request(string agent)
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var (response, body) = await host.SubmitAsync(new { requester = "alice", agentId = agent, text = "Summarize our AI governance policy for internal use." });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var request = await host.WaitForStatusAsync(body.GetProperty("id").GetGuid(), "awaiting-approval");
        Assert.Equal(["deny-by-default/agent"], Strings(request.GetProperty("matchedRules")));
        Assert.Contains($"Agent '{agent}' is not declared", request.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(gateway.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("main\n")]
    [InlineData("ｍａｉｎ")]
    public async Task Empty_or_malformed_agent_id_is_refused_at_intake(string agent)
    {
        await using var host = await OrchestratorHost.StartAsync();

        var (response, problem) = await host.SubmitAsync(new { requester = "alice", agentId = agent, text = "Summarize the policy." });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("agentId", out _), problem.ToString());
        Assert.Equal(0, await TotalAsync(host));
    }

    [Fact]
    public async Task Declared_agent_and_omitted_agent_run_at_once()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await DefinitionApi.PublishAsync(host, CatalogKit.ReferenceSource.Replace("agents: []", "agents: [ops]", StringComparison.Ordinal));

        var (ops, opsBody) = await host.SubmitAsync(new { requester = "alice", agentId = "ops", text = "Summarize the policy." });
        Assert.Equal(HttpStatusCode.Accepted, ops.StatusCode);
        await host.WaitForStatusAsync(opsBody.GetProperty("id").GetGuid(), "dry-run");
        await host.WaitForStatusAsync(await host.SubmitOkAsync("Summarize the policy."), "dry-run");
    }

    [Fact]
    public async Task Block_route_for_unknown_tools_blocks_them_outright()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        await DefinitionApi.PublishAsync(host, CatalogKit.ReferenceSource.Replace("unknownTool: amber", "unknownTool: blocked", StringComparison.Ordinal));

        var request = await host.WaitForStatusAsync(await host.SubmitOkAsync("Tidy up.", tool: new { name = "exec" }), "blocked");
        Assert.Contains("deny-by-default/tool", Strings(request.GetProperty("matchedRules")));
        Assert.Empty(gateway.Requests);
    }

    [Fact]
    public async Task Definition_without_tools_sends_even_read_only_tool_calls_to_approval()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        var source = CatalogKit.ReferenceSource;
        await DefinitionApi.PublishAsync(host, source[..source.IndexOf("tools:\n", StringComparison.Ordinal)], "an old definition that declares nothing");

        await host.WaitForStatusAsync(await host.SubmitOkAsync("List my sessions.", tool: new { name = "sessions_list", action = "json" }), "awaiting-approval");
        await host.WaitForStatusAsync(await host.SubmitOkAsync("Summarize the policy."), "executed");
        Assert.Empty(gateway.RequestsTo(FakeGateway.ToolPath));
    }

    [Fact]
    public async Task Definition_routing_unknown_tools_to_an_execute_route_is_refused_at_publish()
    {
        await using var host = await OrchestratorHost.StartAsync();

        var (status, problem) = await DefinitionApi.PostSourceAsync(host.Admin, "/api/definitions/publish?comment=open%20up",
            CatalogKit.ReferenceSource.Replace("unknownTool: amber", "unknownTool: green", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "unknownTool");
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static async Task<int> TotalAsync(OrchestratorHost host) =>
        (await OrchestratorHost.ReadAsync(await host.Admin.GetAsync("/api/requests", Ct))).GetProperty("total").GetInt32();
}
