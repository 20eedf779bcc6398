using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>
/// A chat-ops bridge binds its decision to the action it showed: <see cref="ApprovalRequested.ActionHash"/> goes back in
/// <see cref="SubmitApprovalDecision.ActionHash"/>; a different hash is refused (acknowledged, not faulted).
/// </summary>
public sealed class DecisionActionHashTests(DryRunBusFixture fixture) : IClassFixture<DryRunBusFixture>
{
    [Fact]
    public async Task A_bus_decision_naming_another_action_hash_is_refused_and_the_announced_hash_is_accepted()
    {
        var bus = fixture.Integrator;
        var request = new SubmitAgentRequest(Requests.NewId("hash"), Requests.Requester, null, "Send the invoice to the vendor.", null, null);
        await bus.PublishAsync(request);
        var notice = await bus.WaitForAsync<ApprovalRequested>(a => a.RequestId == request.RequestId, "the approval notice");
        Assert.StartsWith("sha256:", notice.ActionHash, StringComparison.Ordinal);

        await bus.PublishAsync(new SubmitApprovalDecision(notice.TaskId, "stale-1", "lead-1", ["team-leads"], "approve", "looks fine", "sha256:" + new string('0', 64), fixture.Server.ApproverToken("lead-1", "team-leads")));
        await Eventually.TrueAsync(
            () => fixture.Server.Consumed.Of<SubmitApprovalDecision>().Any(d => d.Fault is null && ((SubmitApprovalDecision)d.Message).DecisionId == "stale-1"),
            "the stale decision to be consumed without fault");
        var waiting = await fixture.Server.GetRequestAsync(notice.InstanceId);
        Assert.Equal("awaiting-approval", waiting.GetProperty("status").GetString());
        Assert.Empty(waiting.GetProperty("tasks")[0].GetProperty("decisions").EnumerateArray());

        await bus.PublishAsync(new SubmitApprovalDecision(notice.TaskId, "bound-1", "lead-1", ["team-leads"], "approve", "looks fine", notice.ActionHash, fixture.Server.ApproverToken("lead-1", "team-leads")));
        var completed = await bus.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == request.RequestId, "the request to complete");
        Assert.Equal("dry-run", completed.Status);
        Assert.Equal(["lead-1"], completed.Decisions.Select(d => d.Actor));
    }
}
