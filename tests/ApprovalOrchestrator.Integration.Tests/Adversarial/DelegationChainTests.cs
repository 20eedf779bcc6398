using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on separation of duties through delegation (issue 9, class 4): the requester (rita) gets authority handed to
/// her, passes it on to a friend, and the friend approves rita's own request. Rule: nobody whose delegation chain
/// contains the requester may decide, claim, be assigned or even see the task: one tied path is enough, whatever clean
/// paths or own groups they also hold. Against the real server; every refusal is a 403 naming the chain.
/// </summary>
public sealed class DelegationChainTests
{
    private const string Red = "Transfer funds to the supplier.";
    private const string Amber = "Send the invoice to the vendor.";
    private const string Requester = "rita";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_officer_to_requester_to_friend_chain_cannot_approve_the_requesters_red_request()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await DelegateAsync(host, "sam", "security-officers", Requester);
        await DelegateAsync(host, Requester, "", "fred");
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red, requester: Requester));

        var (refused, body) = await host.DecideAsync(taskId, "fred", "", "approve");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("sam → rita → fred", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await host.GetTaskAsync(taskId)).GetProperty("decisions").EnumerateArray());
    }

    [Fact]
    public async Task A_longer_chain_with_the_requester_in_the_middle_is_refused_and_a_reject_too()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await DelegateAsync(host, "sam", "security-officers", "xavier");
        await DelegateAsync(host, "xavier", "", Requester);
        await DelegateAsync(host, Requester, "", "yves");
        await DelegateAsync(host, "yves", "", "fred");
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red, requester: Requester));

        var (approve, body) = await host.DecideAsync(taskId, "fred", "", "approve");
        var (reject, _) = await host.DecideAsync(taskId, "fred", "", "reject", comment: "Not mine to decide.");

        Assert.Equal(HttpStatusCode.Forbidden, approve.StatusCode);
        Assert.Contains("sam → xavier → rita → yves → fred", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, reject.StatusCode);
    }

    [Fact]
    public async Task A_delegate_holding_a_clean_path_and_their_own_group_is_still_refused_when_any_path_passes_the_requester()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await DelegateAsync(host, "sue", "security-officers", "fred"); // clean
        await DelegateAsync(host, Requester, "", "fred");              // tied: rita chose fred
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red, requester: Requester));

        // Fred is even a security officer in his own right: his tie to rita still bars him.
        var (refused, _) = await host.DecideAsync(taskId, "fred", "security-officers", "approve");
        var (other, _) = await host.DecideAsync(taskId, "sue", "security-officers", "approve");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Delegations_an_admin_made_on_others_behalf_tie_the_delegate_just_the_same()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostAsJsonAsync("/api/delegations", new { from = "sam", groups = new[] { "security-officers" }, to = Requester, startsAt = start, endsAt = start.AddDays(1) }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostAsJsonAsync("/api/delegations", new { from = Requester, to = "fred", startsAt = start, endsAt = start.AddDays(1) }, Ct)).StatusCode);
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red, requester: Requester));

        var (refused, _) = await host.DecideAsync(taskId, "fred", "", "approve");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_tied_delegate_sees_no_inbox_entry_cannot_read_or_claim_the_task_while_a_clean_delegate_can()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await DelegateAsync(host, "sam", "security-officers", Requester);
        await DelegateAsync(host, Requester, "", "fred");
        await DelegateAsync(host, "sam", "security-officers", "dora");
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red, requester: Requester));
        var fred = host.Approver("fred", "");
        var dora = host.Approver("dora", "");

        Assert.Equal(0, (await fred.GetFromJsonAsync<JsonElement>("/api/tasks", Ct)).GetProperty("total").GetInt32());
        Assert.Equal(1, (await dora.GetFromJsonAsync<JsonElement>("/api/tasks", Ct)).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await fred.GetAsync($"/api/tasks/{taskId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fred.PostAsync($"/api/tasks/{taskId}/claim", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dora.PostAsync($"/api/tasks/{taskId}/claim", null, Ct)).StatusCode);

        // The console page refuses him too, and says why.
        using var session = await Console.ConsoleSession.SignInAsync(host, "fred", "approver");
        var page = await session.Http.GetAsync($"/tasks/{taskId}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("sam → rita → fred", System.Net.WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tie_that_comes_into_force_after_a_claim_still_refuses_the_decision()
    {
        var clock = new ShiftedClock();
        await using var host = await OrchestratorHost.StartAsync(configure: ShiftedClock.Install(clock));
        var now = clock.GetUtcNow();
        // Fred is a team lead; rita's grant to him opens in an hour (windows overlap his review).
        await DelegateAsync(host, Requester, "", "fred", now.AddHours(1), now.AddHours(3));
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber, requester: Requester));
        var fred = host.Approver("fred", "team-leads");
        Assert.Equal(HttpStatusCode.OK, (await fred.PostAsync($"/api/tasks/{taskId}/claim", null, Ct)).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(61));
        var (refused, _) = await host.DecideAsync(taskId, "fred", "team-leads", "approve");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, (await fred.GetFromJsonAsync<JsonElement>("/api/tasks", Ct)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bulk_approve_refuses_the_tasks_of_a_requester_the_caller_is_tied_to()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await DelegateAsync(host, Requester, "", "fred");
        var tied = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber, requester: Requester));
        var clean = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Amber, requester: "ron"));
        var items = new[] { new { taskId = tied, actionHash = await host.ActionHashAsync(tied) }, new { taskId = clean, actionHash = await host.ActionHashAsync(clean) } };

        var response = await host.Approver("fred", "team-leads").PostAsJsonAsync("/api/tasks/bulk-approve", new { items }, Ct);
        var results = (await OrchestratorHost.ReadAsync(response)).GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("taskId").GetGuid(), r => r.GetProperty("outcome").GetString());

        Assert.Equal("refused", results[tied]);
        Assert.Equal("approved", results[clean]);
    }

    [Fact]
    public async Task An_admin_cannot_reassign_the_task_to_someone_whose_chain_contains_the_requester()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await DelegateAsync(host, "sam", "security-officers", Requester);
        await DelegateAsync(host, Requester, "", "fred");
        var taskId = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red, requester: Requester));

        var toFred = await host.Admin.PostAsJsonAsync($"/api/tasks/{taskId}/reassign", new { user = "fred" }, Ct);
        var toDora = await host.Admin.PostAsJsonAsync($"/api/tasks/{taskId}/reassign", new { user = "dora" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, toFred.StatusCode);
        Assert.Equal(HttpStatusCode.OK, toDora.StatusCode);
    }

    [Fact]
    public async Task A_clean_delegated_decision_records_the_whole_chain_in_the_audit_and_the_task_view()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await DelegateAsync(host, "sam", "security-officers", "bea");
        await DelegateAsync(host, "bea", "", "cal");
        var id = await host.SubmitOkAsync(Red, requester: Requester);
        var taskId = await host.OpenTaskIdAsync(id);

        var (ok, _) = await host.DecideAsync(taskId, "cal", "", "approve");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var audit = await host.Client.GetStringAsync($"/api/audit?requestId={id}", Ct);
        Assert.Contains("\"delegationChain\":[\"sam\",\"bea\",\"cal\"]", audit, StringComparison.Ordinal);
        var decision = (await host.GetTaskAsync(taskId)).GetProperty("decisions")[0];
        Assert.Equal(["sam", "bea", "cal"], decision.GetProperty("delegationChain").EnumerateArray().Select(p => p.GetString()));
    }

    private static async Task DelegateAsync(OrchestratorHost host, string from, string fromGroups, string to, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null)
    {
        var start = startsAt ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        var response = await host.Approver(from, fromGroups).PostAsJsonAsync("/api/delegations", new { to, startsAt = start, endsAt = endsAt ?? start.AddDays(1) }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
