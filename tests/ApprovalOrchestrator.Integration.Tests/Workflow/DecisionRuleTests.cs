using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Workflow;

/// <summary>Who may decide, and that decisions are idempotent signals.</summary>
public sealed class DecisionRuleTests
{
    [Fact]
    public async Task The_same_decision_id_twice_changes_nothing()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Transfer funds from treasury to vendor account immediately.");
        var taskId = await host.OpenTaskIdAsync(id);

        var (first, firstBody) = await host.DecideAsync(taskId, "sam", "security-officers", "approve", decisionId: "d-1");
        var (second, secondBody) = await host.DecideAsync(taskId, "sam", "security-officers", "approve", decisionId: "d-1");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(firstBody.GetProperty("recorded").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(secondBody.GetProperty("recorded").GetBoolean());
        var request = await host.GetRequestAsync(id);
        Assert.Single(request.GetProperty("tasks")[0].GetProperty("decisions").EnumerateArray());
        Assert.Single(request.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "decision");
    }

    [Fact]
    public async Task A_requester_may_not_approve_their_own_request()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Send the invoice to the vendor.", requester: "tina");
        var taskId = await host.OpenTaskIdAsync(id);

        var (response, body) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("own request", body.GetProperty("detail").GetString());
        Assert.Equal("awaiting-approval", (await host.GetRequestAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Only_members_of_the_tasks_group_may_decide()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Send the invoice to the vendor.");
        var taskId = await host.OpenTaskIdAsync(id);

        var (response, _) = await host.DecideAsync(taskId, "mallory", "interns,managers", "approve");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_decision_without_an_identity_is_refused_with_401()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Send the invoice to the vendor.");
        var taskId = await host.OpenTaskIdAsync(id);

        var response = await host.Anonymous.PostAsync($"/api/tasks/{taskId}/decision", System.Net.Http.Json.JsonContent.Create(new { decision = "approve" }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_decision_on_a_closed_task_is_refused_with_409()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Send the invoice to the vendor.");
        var taskId = await host.OpenTaskIdAsync(id);
        await host.DecideAsync(taskId, "tina", "team-leads", "reject", comment: "no");

        var (response, body) = await host.DecideAsync(taskId, "tom", "team-leads", "approve");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("rejected", body.GetProperty("detail").GetString());
        Assert.Equal("rejected", (await host.GetRequestAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Invalid_decisions_name_the_field()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Send the invoice to the vendor.");
        var taskId = await host.OpenTaskIdAsync(id);

        var (response, body) = await host.DecideAsync(taskId, "tina", "team-leads", "maybe");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(body.GetProperty("errors").TryGetProperty("decision", out _));
    }
}
