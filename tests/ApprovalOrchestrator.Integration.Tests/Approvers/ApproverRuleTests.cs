using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Approvers;

/// <summary>The approver rules over HTTP, each allowed and refused: inbox, action hash, claims, quorum, delegation, reassignment, withdraw, bulk.</summary>
public sealed class ApproverRuleTests
{
    private const string Amber = "Send the invoice to the vendor.";
    private const string Red = "Transfer funds to the supplier.";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_inbox_shows_the_callers_actionable_tasks_with_what_they_need_to_decide_but_not_their_own_requests()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var other = await host.SubmitOkAsync("Email bob@example.com the invoice 4111 1111 1111 1111.", requester: "ron", tool: new { name = "message_send", action = "send", args = new { to = "bob@example.com" } });
        var own = await host.SubmitOkAsync(Amber, requester: "tina");
        var red = await host.SubmitOkAsync(Red, requester: "ron");
        var taskId = await host.OpenTaskIdAsync(other);
        await host.OpenTaskIdAsync(own);
        await host.OpenTaskIdAsync(red);

        var inbox = await host.Approver("tina", "team-leads").GetFromJsonAsync<JsonElement>("/api/tasks", Ct);
        var item = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal(taskId, item.GetProperty("id").GetGuid());
        Assert.Equal("amber", item.GetProperty("risk").GetString());
        Assert.Equal(1, item.GetProperty("approvalsRemaining").GetInt32());
        Assert.InRange(item.GetProperty("secondsLeft").GetInt64(), 3 * 3600, 4 * 3600);
        Assert.StartsWith("sha256:", item.GetProperty("actionHash").GetString(), StringComparison.Ordinal);
        Assert.Contains("amber-moderate-impact", item.GetProperty("matchedRules").EnumerateArray().Select(r => r.GetString()));
        // The approver sees exactly what the action hash covers (text and args); only notifications are redacted.
        Assert.Contains("bob@example.com", item.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("bob@example.com", item.GetProperty("tool").GetProperty("args").GetProperty("to").GetString());
        Assert.Equal("message_send", item.GetProperty("tool").GetProperty("name").GetString());

        var officers = await host.Approver("sam", "security-officers").GetFromJsonAsync<JsonElement>("/api/tasks?risk=red", Ct);
        Assert.Equal(1, officers.GetProperty("total").GetInt32());
        var none = await host.Approver("sam", "security-officers").GetFromJsonAsync<JsonElement>("/api/tasks?group=team-leads", Ct);
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Approver("sam", "security-officers").GetAsync($"/api/tasks/{taskId}", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_decision_on_a_stale_action_hash_is_refused_with_412_and_the_current_one_is_accepted()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber));

        var (stale, _) = await host.DecideAsync(taskId, "tina", "team-leads", "approve", actionHash: "sha256:0000");
        var (current, _) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task A_claim_keeps_others_out_until_released_or_expired()
    {
        var clock = new ShiftedClock();
        await using var host = await OrchestratorHost.StartAsync(configure: ShiftedClock.Install(clock));
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber));
        var tina = host.Approver("tina", "team-leads");
        var tom = host.Approver("tom", "team-leads");

        Assert.Equal(HttpStatusCode.OK, (await tina.PostAsync($"/api/tasks/{taskId}/claim", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await tom.PostAsync($"/api/tasks/{taskId}/claim", null, Ct)).StatusCode);
        var (blocked, _) = await host.DecideAsync(taskId, "tom", "team-leads", "approve");
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tina.DeleteAsync($"/api/tasks/{taskId}/claim", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tom.PostAsync($"/api/tasks/{taskId}/claim", null, Ct)).StatusCode);

        // Tom's claim lapses after 15 minutes: Tina may decide again.
        var (stillHeld, _) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        Assert.Equal(HttpStatusCode.Conflict, stillHeld.StatusCode);
        clock.Advance(TimeSpan.FromMinutes(16));
        var (afterExpiry, body) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        Assert.Equal(HttpStatusCode.OK, afterExpiry.StatusCode);
        Assert.Equal("approved", body.GetProperty("taskStatus").GetString());
    }

    [Fact]
    public async Task In_a_quorum_one_reject_closes_the_task_under_the_any_policy()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync(Red);
        var taskId = await host.OpenTaskIdAsync(id);

        await host.DecideAsync(taskId, "sam", "security-officers", "approve");
        var (reject, body) = await host.DecideAsync(taskId, "sue", "security-officers", "reject", comment: "No.");

        Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        Assert.Equal("rejected", body.GetProperty("requestStatus").GetString());
    }

    [Fact]
    public async Task Under_the_majority_policy_one_reject_does_not_close_but_a_majority_does()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync(Red, workflow: "majority-quorum");
        var taskId = await host.OpenTaskIdAsync(id);

        var (_, first) = await host.DecideAsync(taskId, "sam", "security-officers", "reject", comment: "Hmm.");
        var (_, again) = await host.DecideAsync(taskId, "sam", "security-officers", "reject", comment: "Hmm!");
        Assert.Equal("open", first.GetProperty("taskStatus").GetString());
        Assert.False(again.GetProperty("recorded").GetBoolean()); // one person counts once
        var (_, second) = await host.DecideAsync(taskId, "sue", "security-officers", "reject", comment: "No.");
        Assert.Equal("rejected", second.GetProperty("taskStatus").GetString());
    }

    [Fact]
    public async Task A_delegation_grants_only_inside_its_window_and_the_audit_names_delegate_and_delegator()
    {
        var clock = new ShiftedClock();
        await using var host = await OrchestratorHost.StartAsync(configure: ShiftedClock.Install(clock));
        var id = await host.SubmitOkAsync(Amber);
        var taskId = await host.OpenTaskIdAsync(id);
        var now = clock.GetUtcNow();
        var grant = await host.Approver("tina", "team-leads").PostAsJsonAsync("/api/delegations", new { to = "dave", startsAt = now.AddHours(1), endsAt = now.AddHours(2) }, Ct);
        Assert.Equal(HttpStatusCode.Created, grant.StatusCode);

        var (early, _) = await host.DecideAsync(taskId, "dave", "", "approve");
        Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);

        clock.Advance(TimeSpan.FromHours(2));
        var (late, _) = await host.DecideAsync(taskId, "dave", "", "approve");
        Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);

        clock.Advance(TimeSpan.FromMinutes(-30));
        var inbox = await host.Approver("dave", "").GetFromJsonAsync<JsonElement>("/api/tasks", Ct);
        Assert.Equal(1, inbox.GetProperty("total").GetInt32());
        var (inside, _) = await host.DecideAsync(taskId, "dave", "", "approve");
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        var audit = await host.Client.GetStringAsync($"/api/audit?requestId={id}", Ct);
        Assert.Contains("\"delegate\":\"dave\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"delegator\":\"tina\"", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delegation_chains_resolve_cycles_are_refused_and_the_requester_cannot_approve_through_a_delegate()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var end = start.AddDays(1);
        var tina = host.Approver("tina", "team-leads");
        Assert.Equal(HttpStatusCode.Created, (await tina.PostAsJsonAsync("/api/delegations", new { to = "bea", startsAt = start, endsAt = end }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.Approver("bea", "").PostAsJsonAsync("/api/delegations", new { to = "cal", startsAt = start, endsAt = end }, Ct)).StatusCode);
        var cycle = await host.Approver("cal", "").PostAsJsonAsync("/api/delegations", new { to = "tina", startsAt = start, endsAt = end }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, cycle.StatusCode);

        // Tina's own request: nobody may approve it on her behalf.
        var own = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber, requester: "tina"));
        var (refused, _) = await host.DecideAsync(own, "cal", "", "approve");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var id = await host.SubmitOkAsync(Amber);
        var (allowed, _) = await host.DecideAsync(await host.OpenTaskIdAsync(id), "cal", "", "approve");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var audit = await host.Client.GetStringAsync($"/api/audit?requestId={id}", Ct);
        Assert.Contains("\"delegationChain\":[\"tina\",\"bea\",\"cal\"]", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delegate_cannot_add_a_second_approval_for_someone_who_already_approved()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        await host.Approver("sam", "security-officers").PostAsJsonAsync("/api/delegations", new { to = "dave", startsAt = start, endsAt = start.AddDays(1) }, Ct);
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red));

        await host.DecideAsync(taskId, "sam", "security-officers", "approve");
        var (_, duplicate) = await host.DecideAsync(taskId, "dave", "", "approve");
        var (_, second) = await host.DecideAsync(taskId, "sue", "security-officers", "approve");

        Assert.False(duplicate.GetProperty("recorded").GetBoolean());
        Assert.Equal("approved", second.GetProperty("taskStatus").GetString());
    }

    [Fact]
    public async Task An_admin_reassigns_a_task_to_another_group_or_person_and_it_is_audited()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync(Amber);
        var taskId = await host.OpenTaskIdAsync(id);

        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostAsJsonAsync($"/api/tasks/{taskId}/reassign", new { group = "managers", comment = "leads are away" }, Ct)).StatusCode);
        var (lead, _) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        Assert.Equal(HttpStatusCode.Forbidden, lead.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostAsJsonAsync($"/api/tasks/{taskId}/reassign", new { user = "pat" }, Ct)).StatusCode);
        var (manager, _) = await host.DecideAsync(taskId, "mia", "managers", "approve");
        var (pat, _) = await host.DecideAsync(taskId, "pat", "", "approve");
        Assert.Equal(HttpStatusCode.Forbidden, manager.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pat.StatusCode);
        var audit = await host.Client.GetStringAsync($"/api/audit?requestId={id}", Ct);
        Assert.Contains("\"kind\":\"reassigned\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"actor\":\"ada-admin\"", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_requester_withdraws_a_waiting_request_others_cannot_and_its_timer_is_cancelled()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.KeepingSentMessages());
        var id = await host.SubmitOkAsync(Amber, requester: "ron");
        await host.OpenTaskIdAsync(id);

        var byOther = await host.ClientFor("sally", [], ["submitter"]).PostAsync($"/api/requests/{id}/withdraw", null, Ct);
        var byRequester = await host.ClientFor("ron", [], ["submitter"]).PostAsync($"/api/requests/{id}/withdraw", null, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byRequester.StatusCode);
        var request = await host.WaitForStatusAsync(id, "withdrawn");
        Assert.Equal("withdrawn", request.GetProperty("tasks")[0].GetProperty("status").GetString());
        await using var connection = host.Database.Open();
        Assert.Equal("cancelled", await connection.ExecuteScalarAsync<string>("SELECT status FROM timers WHERE instance_id = @id", new { id = id.ToString() }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox WHERE message_type LIKE '%AgentRequestCompleted%' AND body LIKE '%withdrawn%'"));
    }

    [Fact]
    public async Task Bulk_approve_approves_amber_tasks_each_audited_and_skips_red_and_decided_ones()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var a1 = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber));
        var a2 = await host.OpenTaskIdAsync(await host.SubmitOkAsync("Notify the customer about the delay."));
        var decided = await host.OpenTaskIdAsync(await host.SubmitOkAsync("Send the contract to legal."));
        await host.DecideAsync(decided, "tom", "team-leads", "reject", comment: "Not yet.");
        var red = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red));
        var items = new List<object>();
        foreach (var t in new[] { a1, a2, decided, red })
        {
            items.Add(new { taskId = t, actionHash = await host.ActionHashAsync(t) });
        }

        var response = await host.Approver("tina", "team-leads,security-officers").PostAsJsonAsync("/api/tasks/bulk-approve", new { items, comment = "batch" }, Ct);
        var body = await OrchestratorHost.ReadAsync(response);
        var outcomes = body.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("taskId").GetGuid(), r => r.GetProperty("outcome").GetString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("approved", outcomes[a1]);
        Assert.Equal("approved", outcomes[a2]);
        Assert.Equal("skipped", outcomes[decided]);
        Assert.Equal("skipped", outcomes[red]);
        var audit = await host.Client.GetStringAsync("/api/audit", Ct);
        Assert.Equal(2, audit.Split('\n').Count(l => l.Contains("\"kind\":\"decision\"", StringComparison.Ordinal) && l.Contains("\"actor\":\"tina\"", StringComparison.Ordinal)));

        var tooMany = Enumerable.Range(0, 51).Select(_ => new { taskId = Guid.NewGuid(), actionHash = "sha256:x" });
        var capped = await host.Approver("tina", "team-leads").PostAsJsonAsync("/api/tasks/bulk-approve", new { items = tooMany }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, capped.StatusCode);
    }

    [Fact]
    public async Task Escalation_republishes_approval_requested_and_resets_the_due_time()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.KeepingSentMessages());
        var id = await host.SubmitOkAsync(Amber, workflow: "fast-escalation");
        var taskId = await host.OpenTaskIdAsync(id);
        var firstDue = (await host.GetTaskAsync(taskId)).GetProperty("dueAt").GetDateTimeOffset();

        var until = DateTime.UtcNow.AddSeconds(20);
        JsonElement task;
        while ((task = await host.GetTaskAsync(taskId)).GetProperty("tier").GetInt32() == 0)
        {
            Assert.True(DateTime.UtcNow < until, "The task never escalated.");
            await Task.Delay(50, Ct);
        }

        Assert.Equal("managers", task.GetProperty("group").GetString());
        Assert.True(task.GetProperty("dueAt").GetDateTimeOffset() > firstDue);
        await using var connection = host.Database.Open();
        var notices = (await connection.QueryAsync<string>("SELECT body FROM outbox WHERE message_type LIKE '%ApprovalRequested%' AND body LIKE @task", new { task = $"%{taskId}%" })).ToList();
        Assert.True(notices.Count >= 2, $"expected a notice per tier, got {notices.Count}");
        Assert.Contains(notices, n => n.Contains("managers", StringComparison.Ordinal));
    }
}
