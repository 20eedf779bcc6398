using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using static ApprovalOrchestrator.Integration.Tests.Controls.Halts;

namespace ApprovalOrchestrator.Integration.Tests.Controls;

/// <summary>
/// The kill switch (issue 13 item 4) on one real server (SQLite file, or a PostgreSQL schema in the suite's second pass)
/// with the fake Gateway over HTTP: while a halt is in force nothing it covers reaches the Gateway — the requests wait
/// <c>halted</c>, visibly — approvals go on, and the resume sends them in the order they were halted.
/// </summary>
public sealed class KillSwitchTests
{
    private static readonly string[] s_green =
    [
        "Summarize our AI governance policy for internal use.",
        "Summarize the onboarding guide for internal use.",
        "Summarize the release notes for internal use.",
    ];

    private const string Amber = "Draft an email to finance asking for confirmation of the Q1 cloud budget.";
    private const string ToolText = "List my open sessions.";
    private static readonly object s_sessionsTool = new { name = "sessions_list", action = "json" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Halting_all_holds_every_new_execution_halted_with_nothing_sent_and_resume_sends_them_in_halted_order()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        var halt = await HaltOkAsync(host.Admin, "all", null, "incident 42: agent loops");
        var haltId = halt.GetProperty("id").GetString()!;
        Assert.Equal("all", halt.GetProperty("scope").GetString());
        Assert.Equal("ada-admin", halt.GetProperty("haltedBy").GetString());

        var ids = new List<Guid>();
        foreach (var text in s_green)
        {
            // One at a time, so the order they were halted in is the order they were submitted in.
            var id = await host.SubmitOkAsync(text);
            await host.WaitForStatusAsync(id, "halted");
            ids.Add(id);
        }

        var tool = await host.SubmitOkAsync(ToolText, tool: s_sessionsTool);
        var heldTool = await host.WaitForStatusAsync(tool, "halted");
        ids.Add(tool);
        Assert.Empty(gateway.Requests);

        // Visible: in the request API, its list filter, and the audit trail naming the halt and its reason.
        var (kind, actor, data) = Assert.Single(Timeline(heldTool), e => e.Kind == AuditKinds.ExecutionHalted);
        Assert.Equal(SystemActors.Executor, actor);
        Assert.Equal(haltId, data.GetProperty("haltId").GetString());
        Assert.Equal("incident 42: agent loops", data.GetProperty("reason").GetString());
        Assert.DoesNotContain(Timeline(heldTool), e => e.Kind == AuditKinds.ExecutionStarted);
        var listed = await host.Admin.GetFromJsonAsync<JsonElement>("/api/requests?status=halted", Ct);
        Assert.Equal(ids.OrderBy(i => i), listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).OrderBy(i => i));

        var resumed = await ResumeOkAsync(host.Admin, new { id = haltId, reason = "loop fixed" });
        Assert.Equal(4, resumed.GetProperty("released").GetInt32());
        Assert.Equal("ada-admin", resumed.GetProperty("resumedBy").GetString());
        foreach (var id in ids.Take(3))
        {
            await host.WaitForStatusAsync(id, "executed");
        }

        await host.WaitForStatusAsync(tool, "executed");
        var sent = gateway.RequestsTo(FakeGateway.ChatPath).Select(SessionOf).ToList();
        Assert.Equal(ids.Take(3).Select(Session), sent);
        Assert.Single(gateway.RequestsTo(FakeGateway.ToolPath));

        var released = Assert.Single(Timeline(await host.GetRequestAsync(ids[0])), e => e.Kind == AuditKinds.ExecutionReleased);
        Assert.Equal("ada-admin", released.Actor);
        Assert.Equal(haltId, released.Data.GetProperty("haltId").GetString());
        Assert.Equal("loop fixed", released.Data.GetProperty("resumeReason").GetString());
        Assert.False((await ListAsync(host.Admin)).GetProperty("halted").GetBoolean());
    }

    [Fact]
    public async Task A_halted_request_the_requester_withdraws_is_withdrawn_and_the_resume_sends_nothing_for_it()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        var haltId = (await HaltOkAsync(host.Admin, "all", null, "incident 43")).GetProperty("id").GetString()!;
        var id = await host.SubmitOkAsync(s_green[0], requester: "ron");
        await host.WaitForStatusAsync(id, "halted");

        var byOther = await host.ClientFor("sally", [], ["submitter"]).PostAsync($"/api/requests/{id}/withdraw", null, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, byOther.StatusCode);
        var byRequester = await host.ClientFor("ron", [], ["submitter"]).PostAsJsonAsync($"/api/requests/{id}/withdraw", new { reason = "not while halted" }, Ct);
        Assert.True(byRequester.IsSuccessStatusCode, await byRequester.Content.ReadAsStringAsync(Ct));
        var withdrawn = await host.WaitForStatusAsync(id, "withdrawn");
        Assert.Contains(Timeline(withdrawn), e => e.Kind == AuditKinds.Withdrawn && e.Actor == "ron");

        var resumed = await ResumeOkAsync(host.Admin, new { id = haltId, reason = "over" });
        Assert.Equal(0, resumed.GetProperty("released").GetInt32());
        var after = await host.SubmitOkAsync(s_green[1]);
        await host.WaitForStatusAsync(after, "executed");
        Assert.Equal([Session(after)], gateway.RequestsTo(FakeGateway.ChatPath).Select(SessionOf));
        Assert.Equal("withdrawn", (await host.GetRequestAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Halting_one_agent_holds_only_its_requests_and_resume_by_scope_and_target_releases_them()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        await HaltOkAsync(host.Admin, "agent", "ops-bot", "ops-bot misbehaves");

        var (response, body) = await host.SubmitAsync(new { requester = "alice", text = s_green[0], agentId = "ops-bot" });
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        var held = body.GetProperty("id").GetGuid();
        // An agent the definition does not declare waits for approval (deny by default); approved, it meets the halt.
        var (decided, answer) = await host.DecideAsync(await host.OpenTaskIdAsync(held), "bob", "team-leads", "approve");
        Assert.True(decided.IsSuccessStatusCode, answer.ToString());
        var other = await host.SubmitOkAsync(s_green[1]);
        await host.WaitForStatusAsync(held, "halted");
        await host.WaitForStatusAsync(other, "executed");
        Assert.Equal([Session(other)], gateway.RequestsTo(FakeGateway.ChatPath).Select(SessionOf));

        await ResumeOkAsync(host.Admin, new { scope = "agent", target = "ops-bot", reason = "patched" });
        await host.WaitForStatusAsync(held, "executed");
        Assert.Equal([Session(other), Session(held)], gateway.RequestsTo(FakeGateway.ChatPath).Select(SessionOf));
    }

    [Fact]
    public async Task Halting_one_tool_holds_its_invocations_but_not_chat_nor_other_tools()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        await HaltOkAsync(host.Admin, "tool", "sessions_list", "sessions tool leaks");

        var tool = await host.SubmitOkAsync(ToolText, tool: s_sessionsTool);
        var chat = await host.SubmitOkAsync(s_green[0]);
        await host.WaitForStatusAsync(tool, "halted");
        await host.WaitForStatusAsync(chat, "executed");
        Assert.Empty(gateway.RequestsTo(FakeGateway.ToolPath));

        await ResumeOkAsync(host.Admin, new { scope = "tool", target = "sessions_list", reason = "fixed" });
        await host.WaitForStatusAsync(tool, "executed");
        Assert.Single(gateway.RequestsTo(FakeGateway.ToolPath));
    }

    [Fact]
    public async Task Approvals_go_on_while_halted_and_an_approved_request_waits_halted_instead_of_executing()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        var haltId = (await HaltOkAsync(host.Admin, "all", null, "change freeze")).GetProperty("id").GetString()!;

        var id = await host.SubmitOkAsync(Amber);
        var taskId = await host.OpenTaskIdAsync(id); // classified and routed to approval as usual
        var (decided, answer) = await host.DecideAsync(taskId, "bob", "team-leads", "approve");
        Assert.True(decided.IsSuccessStatusCode, answer.ToString());
        var held = await host.WaitForStatusAsync(id, "halted");
        Assert.Equal("approved", held.GetProperty("tasks")[0].GetProperty("status").GetString());
        Assert.Empty(gateway.Requests);

        await ResumeOkAsync(host.Admin, new { id = haltId, reason = "freeze over" });
        await host.WaitForStatusAsync(id, "executed");
        Assert.Single(gateway.RequestsTo(FakeGateway.ChatPath));
    }

    [Fact]
    public async Task A_request_still_covered_by_a_second_halt_stays_halted_when_the_first_is_lifted()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        var all = (await HaltOkAsync(host.Admin, "all", null, "incident")).GetProperty("id").GetString()!;
        var agent = (await HaltOkAsync(host.Admin, "agent", "main", "main agent under review")).GetProperty("id").GetString()!;
        var id = await host.SubmitOkAsync(s_green[0]);
        await host.WaitForStatusAsync(id, "halted");

        var first = await ResumeOkAsync(host.Admin, new { id = all, reason = "incident over" });
        Assert.Equal(0, first.GetProperty("released").GetInt32());
        var request = await host.GetRequestAsync(id);
        Assert.Equal("halted", request.GetProperty("status").GetString());
        Assert.Equal(agent, Timeline(request).Last(e => e.Kind == AuditKinds.ExecutionHalted).Data.GetProperty("haltId").GetString());
        Assert.Empty(gateway.Requests);

        await ResumeOkAsync(host.Admin, new { id = agent, reason = "review done" });
        await host.WaitForStatusAsync(id, "executed");
    }

    [Fact]
    public async Task The_halt_and_the_resume_are_leaves_of_the_signed_audit_log_and_readiness_reports_the_halted_scopes()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var haltId = (await HaltOkAsync(host.Admin, "tool", "shell", "shell disabled")).GetProperty("id").GetString()!;

        var ready = await Poll.GetAsync(async () =>
        {
            var health = await host.Anonymous.GetFromJsonAsync<JsonElement>("/health/ready", Ct);
            var controls = health.GetProperty("checks").GetProperty("controls");
            return controls.GetProperty("data").GetProperty("halted").GetBoolean() ? Tuple.Create(health) : null;
        }, "readiness to report the halt", TimeSpan.FromSeconds(5), Ct);
        var readyBody = ready.Item1;
        Assert.Equal("healthy", readyBody.GetProperty("status").GetString());
        var check = readyBody.GetProperty("checks").GetProperty("controls");
        Assert.Contains("tool shell", check.GetProperty("description").GetString());
        Assert.Equal(haltId, check.GetProperty("data").GetProperty("halts")[0].GetProperty("id").GetString());

        await ResumeOkAsync(host.Admin, new { id = haltId, reason = "shell allowed again" });
        await using var connection = host.Database.Open();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM log_leaves WHERE source = 'execution-halt' AND source_id = @haltId", new { haltId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM log_leaves WHERE source = 'execution-resume' AND source_id = @haltId", new { haltId }));
        var row = await connection.QuerySingleAsync<(string HaltedBy, string Reason, string ResumedBy, string ResumeReason)>(
            "SELECT halted_by, reason, resumed_by, resume_reason FROM execution_halts WHERE id = @haltId", new { haltId });
        Assert.Equal(("ada-admin", "shell disabled", "ada-admin", "shell allowed again"), row);
        await Poll.TrueAsync(async () =>
        {
            var health = await host.Anonymous.GetFromJsonAsync<JsonElement>("/health/ready", Ct);
            return !health.GetProperty("checks").GetProperty("controls").GetProperty("data").GetProperty("halted").GetBoolean();
        }, "readiness to report no halt", TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task Every_console_page_shows_the_halt_banner_and_an_admin_halts_and_resumes_from_the_operations_page()
    {
        await using var host = await OrchestratorHost.StartAsync();
        using var console = await Console.ConsoleSession.SignInAsync(host, "ada-admin", "admin,auditor,approver");
        var halted = await console.PostFormAsync("/operations", "/operations?handler=Halt", new() { ["Scope"] = "agent", ["Target"] = "ops-bot", ["Reason"] = "ops-bot paused for audit" });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, halted.StatusCode);
        var haltId = Assert.Single((await ListAsync(host.Admin)).GetProperty("halts").EnumerateArray()).GetProperty("id").GetString()!;

        await Poll.TrueAsync(async () => (await console.Http.GetStringAsync("/operations", Ct)).Contains("data-testid=\"halt-banner\"", StringComparison.Ordinal), "the banner", TimeSpan.FromSeconds(5), Ct);
        foreach (var page in new[] { "/audit", "/operations", "/definitions", "/inbox" })
        {
            var html = await console.Http.GetStringAsync(page, Ct);
            Assert.Contains("data-testid=\"halt-banner\"", html, StringComparison.Ordinal);
            Assert.Contains("Agent ops-bot", html, StringComparison.Ordinal);
            Assert.Contains("ops-bot paused for audit", html, StringComparison.Ordinal);
            Assert.Contains("by ada-admin", html, StringComparison.Ordinal);
        }

        // An auditor sees the banner too, but the page's halt is refused to them (admins only), as over the API.
        using var auditor = await Console.ConsoleSession.SignInAsync(host, "aud", "auditor");
        Assert.Contains("ops-bot paused for audit", await auditor.Http.GetStringAsync("/audit", Ct), StringComparison.Ordinal);
        await auditor.PostFormAsync("/operations", "/operations?handler=Resume", new() { ["HaltId"] = haltId, ["Reason"] = "let me" });
        Assert.True((await ListAsync(host.Admin)).GetProperty("halted").GetBoolean());

        var resumed = await console.PostFormAsync("/operations", "/operations?handler=Resume", new() { ["HaltId"] = haltId, ["Reason"] = "audit done" });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, resumed.StatusCode);
        Assert.False((await ListAsync(host.Admin)).GetProperty("halted").GetBoolean());
        await Poll.TrueAsync(async () => !(await console.Http.GetStringAsync("/operations", Ct)).Contains("data-testid=\"halt-banner\"", StringComparison.Ordinal), "the banner to go", TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task A_resume_whose_node_stopped_before_releasing_is_finished_by_the_recovery_sweep()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        var haltId = (await HaltOkAsync(host.Admin, "all", null, "incident")).GetProperty("id").GetString()!;
        var first = await host.SubmitOkAsync(s_green[0]);
        await host.WaitForStatusAsync(first, "halted");
        var second = await host.SubmitOkAsync(s_green[1]);
        await host.WaitForStatusAsync(second, "halted");

        // What a node that dies right after committing the resume leaves behind: the halt lifted, nothing released yet.
        var controls = host.Services.GetRequiredService<ApprovalOrchestrator.Application.Controls.IExecutionControls>();
        Assert.NotNull(await controls.ResumeAsync(haltId, "ada-admin", "incident over"));
        Assert.Equal("halted", (await host.GetRequestAsync(first)).GetProperty("status").GetString());

        var deadline = ApprovalOrchestrator.Runtime.Controls.HaltWatcher.ResumeGrace + ApprovalOrchestrator.Runtime.Controls.HaltWatcher.SweepInterval + TimeSpan.FromSeconds(15);
        await host.WaitForStatusAsync(first, "executed", deadline);
        await host.WaitForStatusAsync(second, "executed", deadline);
        Assert.Equal([Session(first), Session(second)], gateway.RequestsTo(FakeGateway.ChatPath).Select(SessionOf));
    }
}
