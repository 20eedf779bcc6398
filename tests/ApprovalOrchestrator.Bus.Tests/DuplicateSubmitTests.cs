using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Messaging;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>RequestId is the idempotency key over the bus: a resubmission starts nothing and announces nothing.</summary>
public sealed class DuplicateSubmitTests(DryRunBusFixture fixture) : IClassFixture<DryRunBusFixture>
{
    [Fact]
    public async Task Same_request_id_published_twice_gives_one_instance_and_one_completion()
    {
        var bus = fixture.Integrator;
        var request = Requests.Green();
        // Two separate publishes (two MessageIds), racing each other through intake.
        await Task.WhenAll(bus.PublishAsync(request), bus.PublishAsync(request));
        await Eventually.TrueAsync(
            () => fixture.Server.Consumed.Of<SubmitAgentRequest>().Count(c => ((SubmitAgentRequest)c.Message).RequestId == request.RequestId) == 2,
            "intake to consume both copies");
        Assert.All(fixture.Server.Consumed.Of<SubmitAgentRequest>().Where(c => ((SubmitAgentRequest)c.Message).RequestId == request.RequestId), c => Assert.Null(c.Fault));

        var completed = await bus.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == request.RequestId, "the completion");
        Assert.Equal("dry-run", completed.Status);

        // A later request completing means everything published for the first one has gone out too (one outbox, in order).
        var sentinel = Requests.Green();
        await bus.PublishAsync(sentinel);
        await bus.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == sentinel.RequestId, "the sentinel's completion");

        // Published again after completion: still nothing new.
        await bus.PublishAsync(request);
        await Eventually.TrueAsync(
            () => fixture.Server.Consumed.Of<SubmitAgentRequest>().Count(c => ((SubmitAgentRequest)c.Message).RequestId == request.RequestId) == 3,
            "intake to consume the late copy");
        var late = Requests.Green();
        await bus.PublishAsync(late);
        await bus.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == late.RequestId, "the second sentinel's completion");

        Assert.Single(bus.Messages<AgentRequestAccepted>(a => a.RequestId == request.RequestId));
        Assert.Single(bus.Messages<AgentRequestCompleted>(c => c.RequestId == request.RequestId));
        Assert.Empty(bus.Messages<AgentRequestRejected>(r => r.RequestId == request.RequestId));
        Assert.Equal(completed.InstanceId, (await fixture.Server.GetRequestAsync(completed.InstanceId)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Same_request_id_with_different_content_is_rejected_and_faulted()
    {
        var bus = fixture.Integrator;
        var original = Requests.Green();
        await bus.PublishAsync(original);
        var completed = await bus.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == original.RequestId, "the original's completion");

        var changed = original with { Text = "Summarize something else entirely." };
        var messageId = await bus.PublishAsync(changed);
        var rejected = await bus.WaitForAsync<AgentRequestRejected>(r => r.RequestId == original.RequestId, "the conflicting resubmission's rejection");
        Assert.Equal("requestId", Assert.Single(rejected.Errors).Field);
        // The publisher names the requester itself, so the rejection says "taken by this requester" and nothing more (issue 9, class 11).
        Assert.Contains("already submitted by this requester", rejected.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(completed.InstanceId.ToString(), rejected.Reason, StringComparison.Ordinal);

        var errors = await fixture.Raw.CollectAsync(
            fixture.Queue(QueueNames.Intake + QueueNames.ErrorSuffix), m => m.Any(e => e.MessageId == messageId.ToString()), "the conflicting message in ao-intake_error");
        Assert.Equal(rejected.Reason, errors.Single(e => e.MessageId == messageId.ToString()).Header("MT-Fault-Message"));
        Assert.Single(bus.Messages<AgentRequestAccepted>(a => a.RequestId == original.RequestId));
    }
}
