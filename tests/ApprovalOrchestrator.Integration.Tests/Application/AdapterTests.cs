using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Application.Requests;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Integration.Tests.Console;
using ApprovalOrchestrator.Runtime.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Application;

/// <summary>
/// One thin test per adapter: the HTTP endpoints and the console's form posts answer with what the use case answered
/// (its refusal text, word for word where they show it), so they cannot hold rules of their own. The bus consumers'
/// counterparts run over RabbitMQ in ApprovalOrchestrator.Bus.Tests/UseCaseAdapterTests.cs.
/// </summary>
public sealed partial class AdapterTests(UseCaseHost app) : IClassFixture<UseCaseHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Http_decision_refuses_a_reject_without_a_comment_with_the_use_cases_field_error()
    {
        var (_, taskId) = await app.OpenTaskAsync();
        var hash = await app.Host.ActionHashAsync(taskId);
        var expected = Assert.Single(DecideTask.Validate(new DecisionInput(taskId, "reject", null, null, hash), decisionIdRequired: false));

        var response = await app.Host.Approver("tina", "team-leads").PostAsJsonAsync($"/api/tasks/{taskId}/decision", new { decision = "reject", actionHash = hash }, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected.Message, body.GetProperty("errors").GetProperty(expected.Field)[0].GetString());
        Assert.Equal("open", (await app.Host.GetTaskAsync(taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Console_reject_form_without_a_comment_is_refused_by_the_same_rule()
    {
        var (_, taskId) = await app.OpenTaskAsync();
        using var tina = await ConsoleSession.SignInAsync(app.Host, "tina", "approver", "team-leads");

        var posted = await tina.PostFormAsync($"/tasks/{taskId}", $"/tasks/{taskId}?handler=Reject", new() { ["ActionHash"] = await app.Host.ActionHashAsync(taskId), ["Comment"] = " " });

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("To reject, say why in the comment.", await FlashAsync(tina, taskId));
        Assert.Equal("open", (await app.Host.GetTaskAsync(taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Console_claim_form_shows_the_use_cases_refusal_when_another_holds_the_claim()
    {
        var (_, taskId) = await app.OpenTaskAsync();
        Assert.True((await app.Get<ClaimTask>().HandleAsync(UseCaseHost.Approver("tom", "team-leads"), taskId, Ct)).IsOk);
        var expected = (await app.Get<ClaimTask>().HandleAsync(UseCaseHost.Approver("tina", "team-leads"), taskId, Ct)).Refusal!;
        using var tina = await ConsoleSession.SignInAsync(app.Host, "tina", "approver", "team-leads");

        await tina.PostFormAsync($"/tasks/{taskId}", $"/tasks/{taskId}?handler=Claim", []);

        Assert.Equal(RefusalReason.ClaimedByOther, expected.Reason);
        Assert.Equal("Someone else is reviewing this task (claimed). " + expected.Detail, await FlashAsync(tina, taskId));
    }

    [Fact]
    public async Task Http_submit_refuses_a_laundered_requester_with_the_use_cases_refusal_and_records_it()
    {
        var response = await app.Host.ClientFor("alice", [], ["submitter"]).PostAsJsonAsync("/api/requests", new { requester = "bob", text = UseCaseHost.Green }, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("requester 'bob' is not the authenticated user; omit it or send 'alice'", body.GetProperty("detail").GetString());
        Assert.Contains(await app.Get<SecurityEventLog>().ListAsync(0, 100), e => e.Actor == "alice" && e.Path == "/api/requests" && e.Status == 403);
    }

    [Fact]
    public async Task Http_claim_release_and_reassign_answer_with_the_use_cases_refusals()
    {
        var (_, red) = await app.OpenTaskAsync(UseCaseHost.Red);
        var tina = app.Host.Approver("tina", "team-leads");
        var claimRefusal = (await app.Get<ClaimTask>().HandleAsync(UseCaseHost.Approver("tina", "team-leads"), red, Ct)).Refusal!;

        var claim = await tina.PostAsync($"/api/tasks/{red}/claim", null, Ct);
        var release = await tina.DeleteAsync($"/api/tasks/{Guid.NewGuid()}/claim", Ct);
        var reassign = await app.Host.Admin.PostAsJsonAsync($"/api/tasks/{red}/reassign", new { group = " " }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, claim.StatusCode);
        Assert.Equal(claimRefusal.Detail, (await claim.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, release.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, reassign.StatusCode);
        Assert.Equal(
            Assert.Single(ReassignTask.Validate(new ReassignInput(red, " ", null, null))).Message,
            (await reassign.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").GetProperty("group")[0].GetString());
    }

    [Fact]
    public async Task Http_bulk_approve_and_withdraw_report_what_the_use_cases_decided()
    {
        var (instance, amber) = await app.OpenTaskAsync();
        var (_, red) = await app.OpenTaskAsync(UseCaseHost.Red);
        var items = new[] { new { taskId = amber, actionHash = await app.Host.ActionHashAsync(amber) }, new { taskId = red, actionHash = await app.Host.ActionHashAsync(red) } };

        var bulk = await app.Host.Approver("tina", "team-leads").PostAsJsonAsync("/api/tasks/bulk-approve", new { items }, Ct);
        var results = (await bulk.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("taskId").GetGuid(), r => r.GetProperty("outcome").GetString());
        await app.Host.WaitForStatusAsync(instance.Value, "dry-run");
        var withdraw = await app.Host.ClientFor("alice", [], ["submitter"]).PostAsync($"/api/requests/{instance}/withdraw", null, Ct);
        var expected = (await app.Get<WithdrawRequest>().HandleAsync(UseCaseHost.Submitter("alice"), instance, null, Ct)).Refusal!;

        Assert.Equal("approved", results[amber]);
        Assert.Equal("skipped", results[red]);
        Assert.Equal(HttpStatusCode.Conflict, withdraw.StatusCode);
        var problem = await withdraw.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(expected.Title, problem.GetProperty("title").GetString());
        Assert.Equal(expected.Detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Http_delegation_endpoints_answer_with_the_use_cases_refusals()
    {
        var now = DateTimeOffset.UtcNow;
        var tina = app.Host.Approver("tina", "team-leads");
        var own = await app.Get<DelegateAuthority>().HandleAsync(UseCaseHost.Approver("tina", "team-leads"), new DelegationInput("dan", null, now, now.AddHours(1), null));

        var forOther = await tina.PostAsJsonAsync("/api/delegations", new { to = "dan", from = "boss", startsAt = now, endsAt = now.AddHours(1) }, Ct);
        var strangerRevoke = await app.Host.Approver("mallory", "team-leads").DeleteAsync($"/api/delegations/{own.Value!.Id}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forOther.StatusCode);
        Assert.Equal("only an admin may delegate on someone else's behalf", (await forOther.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, strangerRevoke.StatusCode);
        Assert.Contains(await app.Get<SecurityEventLog>().ListAsync(0, 100), e => e.Actor == "mallory" && e.Reason.Contains(own.Value.Id.ToString(), StringComparison.Ordinal));
    }

    private static async Task<string?> FlashAsync(ConsoleSession session, Guid taskId)
    {
        var html = await (await session.GetAsync($"/tasks/{taskId}")).Content.ReadAsStringAsync(Ct);
        var match = Flash().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    [GeneratedRegex("data-testid=\"flash\">([^<]*)</p>")]
    private static partial Regex Flash();
}
