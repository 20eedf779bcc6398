using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Server.Demo;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>The reference flow driven only through RabbitMQ: submits, approval notices, decisions and completions are all messages.</summary>
public sealed class ReferenceRequestTests(GatewayBusFixture fixture) : IClassFixture<GatewayBusFixture>
{
    private static readonly string[] s_expectedRisk = ["green", "amber", "red", "red", "red"];

    [Fact]
    public async Task Five_reference_requests_complete_over_the_bus_with_decisions_sent_as_messages()
    {
        var bus = fixture.Integrator;
        var requests = ReferenceRequests.Texts
            .Select((text, i) => new SubmitAgentRequest(Requests.NewId($"ref{i}"), Requests.Requester, null, text, null, null))
            .ToList();
        foreach (var request in requests)
        {
            await bus.PublishAsync(request);
        }

        foreach (var request in requests)
        {
            await bus.WaitForAsync<AgentRequestAccepted>(a => a.RequestId == request.RequestId, $"{request.RequestId} accepted");
        }

        // Amber waits for a team lead; a requester who is one may still not approve their own request.
        var amber = await bus.WaitForAsync<ApprovalRequested>(a => a.RequestId == requests[1].RequestId, "amber's approval notice");
        Assert.Equal("team-leads", amber.Group);
        var own = await DecideAsync(amber.TaskId, Requests.Requester, ["team-leads"], amber.ActionHash);
        var foreign = await DecideAsync(amber.TaskId, "officer-9", ["security-officers"], amber.ActionHash);
        // Refusals of who may decide are security refusals: faulted with the reason, so the publisher learns why.
        var refused = await fixture.Raw.CollectAsync(
            fixture.Queue(QueueNames.Decisions + QueueNames.ErrorSuffix),
            m => m.Any(e => e.MessageId == own.ToString()) && m.Any(e => e.MessageId == foreign.ToString()),
            "both refused decisions in ao-decisions_error");
        Assert.Contains("may not decide on or review their own request", refused.Single(e => e.MessageId == own.ToString()).Header("MT-Fault-Message"), StringComparison.Ordinal);
        Assert.Equal(2, refused.Count);
        Assert.Equal("awaiting-approval", (await fixture.Server.GetRequestAsync(amber.InstanceId)).GetProperty("status").GetString());
        await DecideAsync(amber.TaskId, "lead-1", ["team-leads"], amber.ActionHash);

        // Red needs two distinct security officers (four eyes).
        for (var i = 2; i < 5; i++)
        {
            var red = await bus.WaitForAsync<ApprovalRequested>(a => a.RequestId == requests[i].RequestId, $"red request {i}'s approval notice");
            Assert.Equal(("security-officers", 2), (red.Group, red.RequiredApprovals));
            await DecideAsync(red.TaskId, "officer-1", ["security-officers"], red.ActionHash);
            await DecideAsync(red.TaskId, "officer-2", ["security-officers"], red.ActionHash);
        }

        for (var i = 0; i < requests.Count; i++)
        {
            var completed = await bus.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == requests[i].RequestId, $"{requests[i].RequestId} completed");
            Assert.Equal("executed", completed.Status);
            Assert.Equal(s_expectedRisk[i], completed.Risk);
            // Both officers' messages are in flight together, so either may be recorded first.
            Assert.Equal(i switch { 0 => [], 1 => ["lead-1"], _ => new[] { "officer-1", "officer-2" } }, completed.Decisions.Select(d => d.Actor).Order().ToArray());
            Assert.Equal("agent-action-approval", completed.WorkflowId);
        }

        // Only the two refusals above were faulted: every accepted decision was consumed cleanly.
        Assert.Empty(await fixture.Raw.DrainAsync(fixture.Queue(QueueNames.Decisions + QueueNames.ErrorSuffix)));
        Assert.Equal(requests.Count, bus.Messages<AgentRequestCompleted>().Count);
    }

    /// <summary>A decision carrying the approver's own token (groups from the token, as over HTTP).</summary>
    private Task<Guid> DecideAsync(Guid taskId, string approver, string[] groups, string? actionHash) =>
        fixture.Integrator.PublishAsync(new SubmitApprovalDecision(
            taskId, Guid.NewGuid().ToString("N"), approver, groups, "approve", "via chat-ops", actionHash, fixture.Server.ApproverToken(approver, groups)));
}
