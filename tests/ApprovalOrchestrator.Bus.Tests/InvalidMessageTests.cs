using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Messaging;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>Messages that can never succeed: answered with AgentRequestRejected, faulted once (no retries) with the reason, and intake keeps serving.</summary>
public sealed class InvalidMessageTests(DryRunBusFixture fixture) : IClassFixture<DryRunBusFixture>
{
    public static TheoryData<string, string> Cases => new()
    {
        { "missing-requester", "requester" },
        { "missing-request-id", "requestId" },
        { "empty-text", "text" },
        { "text-over-32kb", "text" },
        { "unknown-workflow", "workflow" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Invalid_submit_is_rejected_and_faulted_with_the_reason_and_intake_keeps_serving(string @case, string field)
    {
        var bus = fixture.Integrator;
        var valid = Requests.Green();
        var invalid = @case switch
        {
            "missing-requester" => valid with { Requester = null! },
            "missing-request-id" => valid with { RequestId = null! },
            "empty-text" => valid with { Text = "" },
            "text-over-32kb" => valid with { Text = new string('a', 32 * 1024 + 1) },
            "unknown-workflow" => valid with { Workflow = "no-such-workflow" },
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };

        var messageId = await bus.PublishAsync(invalid);
        var rejected = (AgentRequestRejected)(await bus.WaitForIdAsync(DeterministicId.Create(messageId, "rejected"), $"the rejection of {@case}")).Message;
        Assert.Equal(field, Assert.Single(rejected.Errors).Field);
        Assert.Equal(@case == "missing-request-id" ? null : valid.RequestId, rejected.RequestId);

        var errors = await fixture.Raw.CollectAsync(
            fixture.Queue(QueueNames.Intake + QueueNames.ErrorSuffix), m => m.Any(e => e.MessageId == messageId.ToString()), $"{@case} in ao-intake_error");
        var faulted = errors.Single(e => e.MessageId == messageId.ToString());
        Assert.Equal(rejected.Reason, faulted.Header("MT-Fault-Message"));
        Assert.Contains(field + ":", faulted.Header("MT-Fault-Message"), StringComparison.Ordinal);
        Assert.Equal(typeof(MessageRejectedException).FullName, faulted.Header("MT-Fault-ExceptionType"));
        // Not retried: the consumer saw it exactly once.
        Assert.Single(fixture.Server.Consumed.Of<SubmitAgentRequest>(), c => c.MessageId == messageId);
        Assert.Empty(bus.Messages<AgentRequestAccepted>(a => a.RequestId == valid.RequestId));

        // Still serving: a valid request right after goes all the way through.
        var next = Requests.Green();
        await bus.PublishAsync(next);
        await bus.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == next.RequestId, "the next valid request's completion");
    }

    [Fact]
    public async Task Malformed_decision_is_faulted_with_the_reason()
    {
        var messageId = await fixture.Integrator.PublishAsync(new SubmitApprovalDecision(Guid.NewGuid(), "d-1", "lead-1", ["team-leads"], "maybe", null));
        var errors = await fixture.Raw.CollectAsync(
            fixture.Queue(QueueNames.Decisions + QueueNames.ErrorSuffix), m => m.Any(e => e.MessageId == messageId.ToString()), "the decision in ao-decisions_error");
        Assert.Contains("decision:", errors.Single(e => e.MessageId == messageId.ToString()).Header("MT-Fault-Message"), StringComparison.Ordinal);
    }
}
