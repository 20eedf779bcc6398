using System.Net;
using System.Net.Http.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using static ApprovalOrchestrator.Integration.Tests.Definitions.DefinitionApi;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary>What a publish over HTTP does to requests: new ones use it, running ones stay pinned; groups and Gateway options per route.</summary>
public sealed class DefinitionApiRuntimeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_instance_waiting_on_v1_finishes_under_v1_after_v2_is_published_over_http_and_the_next_request_uses_v2()
    {
        await using var host = await OrchestratorHost.StartAsync();
        const string text = "Draft an email to finance asking for confirmation of the Q1 cloud budget.";
        var pinned = await host.SubmitOkAsync(text);
        var taskId = await host.OpenTaskIdAsync(pinned);

        var (version, hash) = await PublishAsync(host, TwoManagersForAmber, "two managers for amber");
        Assert.Equal(2, version);

        var (response, body) = await host.DecideAsync(taskId, "tl-1", "team-leads", "approve");
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        var finished = await host.WaitForStatusAsync(pinned, "dry-run");
        Assert.Equal(1, finished.GetProperty("workflow").GetProperty("version").GetInt32());

        var fresh = await host.SubmitOkAsync(text + " Again.");
        await host.OpenTaskIdAsync(fresh);
        var waiting = await host.GetRequestAsync(fresh);
        Assert.Equal((2, hash), (waiting.GetProperty("workflow").GetProperty("version").GetInt32(), waiting.GetProperty("workflow").GetProperty("hash").GetString()));
        var task = waiting.GetProperty("tasks")[0];
        Assert.Equal(("managers", 2), (task.GetProperty("group").GetString(), task.GetProperty("required").GetInt32()));
    }

    [Fact]
    public async Task Requester_group_rules_see_the_submitters_groups_from_their_token()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var source = CatalogKit.ReferenceSource.Replace("  rules:\n", """
              rules:
                - id: interns-need-approval
                  risk: amber
                  category: intern
                  confidence: 0.6
                  reason: "Interns' requests are reviewed."
                  when: { requesterGroup: [interns] }

            """, StringComparison.Ordinal);
        await PublishAsync(host, source);

        var intern = await SubmitAsAsync(host, "ivy", ["interns"], "What is the weather in Lisbon?");
        var staff = await SubmitAsAsync(host, "sam", ["staff"], "What is the weather in Porto?");

        var a = await host.WaitForStatusAsync(intern, "awaiting-approval");
        Assert.Equal(["interns-need-approval"], a.GetProperty("matchedRules").EnumerateArray().Select(r => r.GetString()));
        var b = await host.WaitForStatusAsync(staff, "dry-run");
        Assert.Equal("green", b.GetProperty("risk").GetString());
    }

    [Fact]
    public async Task A_routes_gateway_agent_is_used_and_a_chat_request_on_a_tool_only_route_fails_closed()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var source = CatalogKit.ReferenceSource
            .Replace("  green: { action: execute }", "  green: { action: execute, gateway: { agentId: ops, timeout: PT5S } }\n  toolsonly: { action: execute, gateway: { mode: tool } }", StringComparison.Ordinal)
            .Replace("  rules:\n", """
                  rules:
                    - { id: deploys, risk: green, category: ops, confidence: 0.6, reason: "Deploys are tool calls.", route: toolsonly, terms: [deploy] }

                """, StringComparison.Ordinal)
            // Deny by default: the deploy tool must be declared to reach the tool-only execute route.
            .Replace("  sessions_list: {}\n", "  sessions_list: {}\n  deployer: {}\n", StringComparison.Ordinal);
        await PublishAsync(host, source);

        var chat = await host.WaitForStatusAsync(await host.SubmitOkAsync("What is the weather in Lisbon?"), "dry-run");
        Assert.Equal("openclaw:ops", chat.GetProperty("outcome").GetProperty("request").GetProperty("body").GetProperty("model").GetString());

        var refused = await host.WaitForStatusAsync(await host.SubmitOkAsync("Deploy the site."), "failed");
        Assert.Contains("only tool calls", refused.GetProperty("outcome").GetProperty("error").GetString(), StringComparison.Ordinal);

        var tool = await host.SubmitOkAsync("Deploy the site.", tool: new { name = "deployer", action = "run", args = new { site = "www" } }, requestId: "deploy-tool");
        await host.WaitForStatusAsync(tool, "dry-run");
    }

    private static async Task<Guid> SubmitAsAsync(OrchestratorHost host, string user, string[] groups, string text)
    {
        using var response = await host.ClientFor(user, groups, ["submitter"]).PostAsJsonAsync("/api/requests", new { text }, Ct);
        var body = await OrchestratorHost.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToString());
        return body.GetProperty("id").GetGuid();
    }
}
