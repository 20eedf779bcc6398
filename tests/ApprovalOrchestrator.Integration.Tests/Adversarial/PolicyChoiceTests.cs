using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Integration.Tests.Definitions;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Bindings;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Server.Identity;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// The caller must not pick its own policy: the workflow a request runs under comes from the bindings admins manage. Each
/// test is an attempt to run under another definition than the one bound to the caller, and its refusal; plus the
/// bindings' own versioning, audit and fail-closed behaviour. Over HTTP and over the (in-process) bus.
/// </summary>
public sealed class PolicyChoiceTests
{
    private const string Reference = "agent-action-approval";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // No test workflows may be chosen here: only what a test binds explicitly.
    private static Task<OrchestratorHost> StartAsync() => OrchestratorHost.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Workflows:AllowChoice:0"] = null,
        ["Workflows:AllowChoice:1"] = null,
        ["Workflows:AllowChoice:2"] = null,
    });

    /// <summary>Everything green, exec declared: the definition an attacker would love to run under.</summary>
    private static string Permissive(string id, string agent = "main") => $$"""
        id: {{id}}
        name: Anything goes ({{id}})
        classification:
          default: { risk: green, category: low, confidence: 0.5, reason: "Anything goes." }
        routes:
          green: { action: execute }
          amber: { action: approve, tiers: [{ group: team-leads, requiredApprovals: 1, timeout: PT4H }] }
          red: { action: approve, tiers: [{ group: team-leads, requiredApprovals: 1, timeout: PT4H }] }
        execution: { agentId: {{agent}}, timeout: PT90S }
        tools: { exec: {} }
        agents: [ops]
        """;

    [Theory]
    [InlineData("anything-goes")] // published, permissive, not bound
    [InlineData("no-such-workflow")] // unknown: the same 403, so the answer is no oracle for which workflows exist
    public async Task Choosing_a_workflow_by_name_without_a_binding_is_403_naming_workflow_and_writes_nothing(string workflow)
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("anything-goes"));

        var (response, problem) = await host.SubmitAsync(new { requester = "mallory", text = "Tidy up.", workflow, tool = new { name = "exec" } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("workflow").EnumerateArray()).GetString();
        Assert.Contains("may not be chosen", message, StringComparison.Ordinal);
        Assert.Equal(0, await TotalAsync(host));
        Assert.Contains(await SecurityReasonsAsync(host), r => r.Contains("workflow may not be chosen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Naming_the_bound_workflow_itself_is_allowed()
    {
        await using var host = await StartAsync();
        var id = await host.SubmitOkAsync("Summarize the policy.", workflow: Reference);
        Assert.Equal(Reference, (await host.GetRequestAsync(id)).GetProperty("workflow").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Choosing_is_allowed_where_the_binding_allows_it()
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("anything-goes"));
        await PutAsync(host, new { @default = new { workflow = Reference, allowChoice = new[] { "anything-goes" } } });

        var id = await host.SubmitOkAsync("Tidy up.", workflow: "anything-goes", tool: new { name = "exec" });
        var request = await host.WaitForStatusAsync(id, "dry-run");
        Assert.Equal("anything-goes", request.GetProperty("workflow").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("Anything-Goes", HttpStatusCode.Forbidden)] // case variant of the allowed name
    [InlineData("anything-goes.", HttpStatusCode.Forbidden)]
    [InlineData("anything-goes\n", HttpStatusCode.BadRequest)] // not an identifier: refused at intake
    [InlineData("ａｎｙｔｈｉｎｇ-goes", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    public async Task Variant_of_an_allowed_workflow_name_is_not_allowed(string workflow, HttpStatusCode expected)
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("anything-goes"));
        await PutAsync(host, new { @default = new { workflow = Reference, allowChoice = new[] { "anything-goes" } } });

        var (response, problem) = await host.SubmitAsync(new { requester = "mallory", text = "Tidy up.", workflow });
        Assert.Equal(expected, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("workflow", out _), problem.ToString());
        Assert.Equal(0, await TotalAsync(host));
    }

    [Fact]
    public async Task Group_binding_applies_to_its_members_only()
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("finance-policy"));
        await PutAsync(host, new { @default = new { workflow = Reference }, groups = new[] { new { group = "finance", workflow = "finance-policy" } } });

        Assert.Equal("finance-policy", await WorkflowOfAsync(host, "fred", ["finance"], new { text = "Summarize the policy." }));
        Assert.Equal(Reference, await WorkflowOfAsync(host, "olga", ["ops"], new { text = "Summarize the policy." }));
        Assert.Equal(Reference, await WorkflowOfAsync(host, "nina", [], new { text = "Summarize the policy." }));
    }

    [Fact]
    public async Task Group_choice_does_not_leak_to_non_members_and_a_group_cannot_be_claimed_in_the_body()
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("anything-goes"));
        await PutAsync(host, new { @default = new { workflow = Reference }, groups = new[] { new { group = "finance", workflow = Reference, allowChoice = new[] { "anything-goes" } } } });

        Assert.Equal("anything-goes", await WorkflowOfAsync(host, "fred", ["finance"], new { text = "Tidy up.", workflow = "anything-goes" }));
        using var outsider = await host.ClientFor("olga", ["Finance", "finance "], [Roles.Submitter]).PostAsJsonAsync("/api/requests", new { text = "Tidy up.", workflow = "anything-goes" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
        using var claimed = await host.ClientFor("olga", [], [Roles.Submitter]).PostAsJsonAsync("/api/requests", new { text = "Tidy up.", workflow = "anything-goes", groups = new[] { "finance" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, claimed.StatusCode); // an unknown field, not a way to join a group
    }

    [Fact]
    public async Task Member_of_several_bound_groups_gets_the_first_group_in_document_order()
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("first-policy"));
        await DefinitionApi.PublishAsync(host, Permissive("second-policy"));
        await PutAsync(host, new
        {
            @default = new { workflow = Reference },
            groups = new[] { new { group = "zeta", workflow = "first-policy" }, new { group = "alpha", workflow = "second-policy" } },
        });

        // Token group order and names' sort order do not matter; the document's order does.
        Assert.Equal("first-policy", await WorkflowOfAsync(host, "gina", ["alpha", "zeta"], new { text = "Hello." }));
        Assert.Equal("first-policy", await WorkflowOfAsync(host, "hank", ["zeta", "alpha"], new { text = "Hello." }));
        Assert.Equal("second-policy", await WorkflowOfAsync(host, "ivan", ["alpha"], new { text = "Hello." }));
    }

    [Fact]
    public async Task Agent_binding_beats_group_binding_and_omitting_the_agent_does_not_dodge_it()
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("finance-policy"));
        await DefinitionApi.PublishAsync(host, CatalogKit.ReferenceSource.Replace($"id: {Reference}", "id: main-lockdown", StringComparison.Ordinal));
        await PutAsync(host, new
        {
            @default = new { workflow = Reference },
            agents = new[] { new { agent = "main", workflow = "main-lockdown" } },
            groups = new[] { new { group = "finance", workflow = "finance-policy" } },
        });

        Assert.Equal("main-lockdown", await WorkflowOfAsync(host, "fred", ["finance"], new { text = "Hello.", agentId = "main" }));
        // finance-policy would run as agent 'main' (its execution.agentId): main's binding applies instead.
        Assert.Equal("main-lockdown", await WorkflowOfAsync(host, "fred", ["finance"], new { text = "Hello." }));
        Assert.Equal("main-lockdown", await WorkflowOfAsync(host, "nina", [], new { text = "Hello." }));
        Assert.Equal("finance-policy", await WorkflowOfAsync(host, "fred", ["finance"], new { text = "Hello.", agentId = "ops" }));
    }

    [Fact]
    public async Task Choice_allowed_by_a_group_is_still_refused_when_the_agent_binding_applies()
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("anything-goes", agent: "ops"));
        await PutAsync(host, new
        {
            @default = new { workflow = Reference },
            agents = new[] { new { agent = "ops", workflow = Reference } },
            groups = new[] { new { group = "finance", workflow = Reference, allowChoice = new[] { "anything-goes" } } },
        });

        using var explicitAgent = await host.ClientFor("fred", ["finance"], [Roles.Submitter]).PostAsJsonAsync("/api/requests", new { text = "Hi.", agentId = "ops", workflow = "anything-goes" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, explicitAgent.StatusCode);
        // Without an agent it would run as 'ops' (anything-goes' execution agent): ops' binding refuses the choice.
        using var implicitAgent = await host.ClientFor("fred", ["finance"], [Roles.Submitter]).PostAsJsonAsync("/api/requests", new { text = "Hi.", workflow = "anything-goes" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, implicitAgent.StatusCode);
        Assert.Equal(0, await TotalAsync(host));
    }

    [Fact]
    public async Task Workflows_Default_seeds_the_default_binding_as_version_1()
    {
        await using var host = await StartAsync();
        var (status, latest) = await DefinitionApi.GetAsync(host.Admin, "/api/bindings");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, latest.GetProperty("version").GetInt32());
        Assert.Equal("config:Workflows", latest.GetProperty("author").GetString());
        Assert.True(latest.GetProperty("fromConfiguration").GetBoolean());
        Assert.Equal(Reference, latest.GetProperty("bindings").GetProperty("default").GetProperty("workflow").GetString());
        Assert.Empty(latest.GetProperty("bindings").GetProperty("default").GetProperty("allowChoice").EnumerateArray());
    }

    [Fact]
    public async Task Binding_changes_are_versioned_and_audited_and_survive_a_restart_without_config_overriding_them()
    {
        var database = OrchestratorHost.NewDatabasePath();
        var host = await OrchestratorHost.StartAsync(database);
        await DefinitionApi.PublishAsync(host, Permissive("anything-goes"));
        var v2 = await PutAsync(host, new { @default = new { workflow = Reference, allowChoice = new[] { "anything-goes" } } }, "let people choose");
        var same = await PutAsync(host, new { @default = new { workflow = Reference, allowChoice = new[] { "anything-goes" } } }, "again", expectCreated: false);
        var v3 = await PutAsync(host, new { @default = new { workflow = Reference } }, "close it again");
        Assert.Equal((2, 2, 3), (v2.GetProperty("version").GetInt32(), same.GetProperty("version").GetInt32(), v3.GetProperty("version").GetInt32()));
        Assert.NotEqual(v2.GetProperty("hash").GetString(), v3.GetProperty("hash").GetString());

        var (_, versions) = await DefinitionApi.GetAsync(host.ClientFor("audrey", [], [Roles.Auditor]), "/api/bindings/versions");
        var list = versions.EnumerateArray().ToList();
        Assert.Equal(["config:Workflows", "ada-admin", "ada-admin"], list.Select(v => v.GetProperty("author").GetString()));
        Assert.Equal(["let people choose", "close it again"], list.Skip(1).Select(v => v.GetProperty("comment").GetString()));
        Assert.All(list, v => Assert.StartsWith("sha256:", v.GetProperty("hash").GetString(), StringComparison.Ordinal));

        var events = (await host.Services.GetRequiredService<DefinitionCatalog>().ListEventsAsync())
            .Where(e => e.Kind == BindingCatalog.EventKind).ToList();
        Assert.Equal(["config:Workflows", "ada-admin", "ada-admin"], events.Select(e => e.Author));
        Assert.Equal(list.Select(v => v.GetProperty("hash").GetString()), events.Select(e => e.Hash));
        await host.DisposeAsync();

        // A restart with Workflows:Default pointing elsewhere does not undo the admin's version.
        await using var again = await OrchestratorHost.StartAsync(database, new Dictionary<string, string?> { ["Workflows:Default"] = "anything-goes" });
        var (_, latest) = await DefinitionApi.GetAsync(again.Admin, "/api/bindings");
        Assert.Equal(3, latest.GetProperty("version").GetInt32());
        using var refused = await again.ClientFor("mallory", [], [Roles.Submitter]).PostAsJsonAsync("/api/requests", new { text = "Hi.", workflow = "anything-goes" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Stale_edit_is_409_and_changes_nothing()
    {
        await using var host = await StartAsync();
        await PutAsync(host, new { @default = new { workflow = Reference, allowChoice = Array.Empty<string>() }, agents = new[] { new { agent = "ops", workflow = Reference } } });
        using var stale = await host.Admin.PutAsJsonAsync("/api/bindings?comment=late&expectedVersion=1", new { @default = new { workflow = Reference } }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(2, (await DefinitionApi.GetAsync(host.Admin, "/api/bindings")).Body.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Only_admins_change_bindings_and_submitters_cannot_read_them()
    {
        await using var host = await StartAsync();
        using var bySubmitter = await host.ClientFor("mallory", [], [Roles.Submitter]).PutAsJsonAsync("/api/bindings?comment=mine", new { @default = new { workflow = "anything" } }, Ct);
        using var byApprover = await host.ClientFor("tina", ["team-leads"], [Roles.Approver]).PutAsJsonAsync("/api/bindings?comment=mine", new { @default = new { workflow = Reference } }, Ct);
        using var byAuditor = await host.ClientFor("audrey", [], [Roles.Auditor]).PutAsJsonAsync("/api/bindings?comment=mine", new { @default = new { workflow = Reference } }, Ct);
        using var read = await host.ClientFor("mallory", [], [Roles.Submitter]).GetAsync("/api/bindings", Ct);
        using var anonymous = await host.Anonymous.GetAsync("/api/bindings", Ct);
        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized],
            [bySubmitter.StatusCode, byApprover.StatusCode, byAuditor.StatusCode, read.StatusCode, anonymous.StatusCode]);
        Assert.Equal(1, (await DefinitionApi.GetAsync(host.Admin, "/api/bindings")).Body.GetProperty("version").GetInt32());
    }

    public static TheoryData<string, string> BadDocuments => new()
    {
        { """{"default":{"workflow":"no-such-workflow"}}""", "default.workflow" },
        { """{"default":{"workflow":"agent-action-approval","allowChoice":["ghost"]}}""", "default.allowChoice[0]" },
        { """{"agents":[{"agent":"ops","workflow":"agent-action-approval"}]}""", "default" },
        { """{"default":{"workflow":"agent-action-approval"},"agents":[{"agent":"ops","workflow":"agent-action-approval"},{"agent":"ops","workflow":"agent-action-approval"}]}""", "agents[1].agent" },
        { """{"default":{"workflow":"agent-action-approval"},"groups":[{"group":"fin ance","workflow":"agent-action-approval"}]}""", "groups[0].group" },
        { """{"default":{"workflow":"agent-action-approval"},"groups":[{"group":"finance"}]}""", "groups[0].workflow" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public async Task Invalid_bindings_are_422_with_the_path_and_change_nothing(string json, string path)
    {
        await using var host = await StartAsync();
        using var response = await host.Admin.PutAsync("/api/bindings?comment=bad", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);
        var problem = await OrchestratorHost.ReadAsync(response);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == path);
        Assert.Equal(1, (await DefinitionApi.GetAsync(host.Admin, "/api/bindings")).Body.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Unknown_field_or_missing_comment_is_400_naming_it()
    {
        await using var host = await StartAsync();
        using var unknown = await host.Admin.PutAsJsonAsync("/api/bindings?comment=x", new { @default = new { workflow = Reference, allowAll = true } }, Ct);
        using var noComment = await host.Admin.PutAsJsonAsync("/api/bindings", new { @default = new { workflow = Reference } }, Ct);
        Assert.True((await OrchestratorHost.ReadAsync(unknown)).GetProperty("errors").TryGetProperty("default.allowAll", out _));
        Assert.True((await OrchestratorHost.ReadAsync(noComment)).GetProperty("errors").TryGetProperty("comment", out _));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (unknown.StatusCode, noComment.StatusCode));
    }

    [Fact]
    public async Task Bound_workflow_retracted_later_fails_closed_with_a_clear_reason()
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("finance-policy"));
        await PutAsync(host, new { @default = new { workflow = Reference }, groups = new[] { new { group = "finance", workflow = "finance-policy" } } });
        var (status, _) = await DefinitionApi.PostJsonAsync(host.Admin, "/api/definitions/finance-policy/versions/1/retract", new { comment = "withdrawn" });
        Assert.Equal(HttpStatusCode.OK, status);

        using var response = await host.ClientFor("fred", ["finance"], [Roles.Submitter]).PostAsJsonAsync("/api/requests", new { text = "Hello." }, Ct);
        var problem = await OrchestratorHost.ReadAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("workflow").EnumerateArray()).GetString()!;
        Assert.Contains("'finance-policy' (the group 'finance' binding", message, StringComparison.Ordinal);
        Assert.Contains("nothing ran", message, StringComparison.Ordinal);
        Assert.Equal(0, await TotalAsync(host));
        // The default still serves everyone else; readiness says which binding is broken.
        await host.WaitForStatusAsync(await host.SubmitOkAsync("Hello."), "dry-run");
        var ready = (await OrchestratorHost.ReadAsync(await host.Anonymous.GetAsync("/health/ready", Ct))).GetProperty("checks").GetProperty("definitions");
        Assert.Equal("degraded", ready.GetProperty("status").GetString());
        Assert.Equal(["finance-policy"], ready.GetProperty("data").GetProperty("unboundWorkflows").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Bus_submit_naming_a_workflow_it_may_not_choose_is_rejected_with_the_field()
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("anything-goes"));
        var bus = host.Services.GetRequiredService<IBus>();
        var rejections = new System.Collections.Concurrent.ConcurrentQueue<AgentRequestRejected>();
        var endpoint = bus.ConnectReceiveEndpoint("test-rejections-" + Guid.NewGuid().ToString("N"), e => e.Handler<AgentRequestRejected>(c =>
        {
            rejections.Enqueue(c.Message);
            return Task.CompletedTask;
        }));
        await endpoint.Ready;

        await bus.Publish(new SubmitAgentRequest("bus-choice-1", "mallory", null, "Tidy up.", new RequestedTool("exec", null, null), "anything-goes"), Ct);
        var rejected = await WaitForAsync(() => rejections.FirstOrDefault(r => r.RequestId == "bus-choice-1"), "the rejection");
        Assert.Equal("workflow", Assert.Single(rejected.Errors).Field);
        Assert.Contains("may not be chosen", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await TotalAsync(host));
        await endpoint.StopAsync(Ct);
    }

    [Fact]
    public async Task Bus_submit_uses_the_agent_binding_and_its_allowed_choice()
    {
        await using var host = await StartAsync();
        await DefinitionApi.PublishAsync(host, Permissive("ops-policy"));
        await DefinitionApi.PublishAsync(host, Permissive("ops-dry"));
        await PutAsync(host, new { @default = new { workflow = Reference }, agents = new[] { new { agent = "ops", workflow = "ops-policy", allowChoice = new[] { "ops-dry" } } } });
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.Publish(new SubmitAgentRequest("bus-ops-1", "ops-bot", "ops", "Tidy up.", null, null), Ct);
        await bus.Publish(new SubmitAgentRequest("bus-ops-2", "ops-bot", "ops", "Tidy up.", null, "ops-dry"), Ct);
        await bus.Publish(new SubmitAgentRequest("bus-main-1", "ops-bot", null, "Tidy up.", null, null), Ct);

        Assert.Equal("ops-policy", await WorkflowOfRequestIdAsync(host, "bus-ops-1"));
        Assert.Equal("ops-dry", await WorkflowOfRequestIdAsync(host, "bus-ops-2"));
        Assert.Equal(Reference, await WorkflowOfRequestIdAsync(host, "bus-main-1"));
    }

    private static async Task<JsonElement> PutAsync(OrchestratorHost host, object document, string comment = "test bindings", bool expectCreated = true)
    {
        using var response = await host.Admin.PutAsJsonAsync($"/api/bindings?comment={Uri.EscapeDataString(comment)}", document, Ct);
        var body = await OrchestratorHost.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT /api/bindings answered {(int)response.StatusCode}: {body}");
        Assert.Equal(expectCreated, body.GetProperty("created").GetBoolean());
        return body;
    }

    private static async Task<string?> WorkflowOfAsync(OrchestratorHost host, string user, string[] groups, object body)
    {
        using var response = await host.ClientFor(user, groups, [Roles.Submitter]).PostAsJsonAsync("/api/requests", body, Ct);
        var answer = await OrchestratorHost.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submit answered {(int)response.StatusCode}: {answer}");
        return (await host.GetRequestAsync(answer.GetProperty("id").GetGuid())).GetProperty("workflow").GetProperty("id").GetString();
    }

    private static async Task<string?> WorkflowOfRequestIdAsync(OrchestratorHost host, string requestId)
    {
        var item = await EventuallyAsync(async () =>
        {
            var page = await OrchestratorHost.ReadAsync(await host.Admin.GetAsync("/api/requests?limit=200", Ct));
            return page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("requestId").GetString() == requestId).Select(i => (JsonElement?)i).FirstOrDefault();
        }, $"request {requestId}");
        return (await host.GetRequestAsync(item.GetProperty("id").GetGuid())).GetProperty("workflow").GetProperty("id").GetString();
    }

    private static async Task<int> TotalAsync(OrchestratorHost host) =>
        (await OrchestratorHost.ReadAsync(await host.Admin.GetAsync("/api/requests", Ct))).GetProperty("total").GetInt32();

    private static async Task<List<string>> SecurityReasonsAsync(OrchestratorHost host)
    {
        // Refusals are written off the request path: flush what is queued first.
        await host.Services.GetRequiredService<ApprovalOrchestrator.Runtime.Identity.SecurityEventLog>().FlushAsync();
        await using var connection = host.Database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT reason FROM security_events WHERE status = 403";
        var reasons = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            reasons.Add(reader.GetString(0));
        }

        return reasons;
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, string what) where T : class
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(50, Ct);
        }
    }

    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement?>> probe, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(50, Ct);
        }
    }
}
