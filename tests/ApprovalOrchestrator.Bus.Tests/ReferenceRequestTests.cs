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
        await DecideAsync(amber.TaskId, Requests.Requester, ["team-leads"]);
        await DecideAsync(amber.TaskId, "officer-9", ["security-officers"]);
        await Eventually.TrueAsync(
            () => fixture.Server.Consumed.Of<SubmitApprovalDecision>().Count(d => d.Fault is null && ((SubmitApprovalDecision)d.Message).TaskId == amber.TaskId) == 2,
            "both refused decisions to be consumed without fault");
        Assert.Equal("awaiting-approval", (await fixture.Server.GetRequestAsync(amber.InstanceId)).GetProperty("status").GetString());
        await DecideAsync(amber.TaskId, "lead-1", ["team-leads"]);

        // Red needs two distinct security officers (four eyes).
        for (var i = 2; i < 5; i++)
        {
            var red = await bus.WaitForAsync<ApprovalRequested>(a => a.RequestId == requests[i].RequestId, $"red request {i}'s approval notice");
            Assert.Equal(("security-officers", 2), (red.Group, red.RequiredApprovals));
            await DecideAsync(red.TaskId, "officer-1", ["security-officers"]);
            await DecideAsync(red.TaskId, "officer-2", ["security-officers"]);
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

        // Refusals are answers, not failures: nothing was faulted to the decisions error queue.
        Assert.Empty(await fixture.Raw.DrainAsync(fixture.Queue(QueueNames.Decisions + QueueNames.ErrorSuffix)));
        Assert.Equal(requests.Count, bus.Messages<AgentRequestCompleted>().Count);
    }

    private Task DecideAsync(Guid taskId, string approver, string[] groups) =>
        fixture.Integrator.PublishAsync(new SubmitApprovalDecision(taskId, Guid.NewGuid().ToString("N"), approver, groups, "approve", "via chat-ops"));
}
