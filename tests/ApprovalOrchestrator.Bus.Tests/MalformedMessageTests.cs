using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Messaging;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>Bytes no well-behaved publisher sends, straight onto the intake queue's exchange with plain AMQP.</summary>
public sealed class MalformedMessageTests(DryRunBusFixture fixture) : IClassFixture<DryRunBusFixture>
{
    // Measured on MassTransit 8.4: every one of these faults in the receive pipe (before any consumer) and is moved to
    // ao-intake_error with MT-Reason=fault and the parser's message in MT-Fault-Message; none goes to _skipped or is dropped.
    [Theory]
    [InlineData("application/vnd.masstransit+json", "{\"messageType\": [\"urn:message:ApprovalOrchestrator.Contracts.V1:SubmitAgentRequest\"], \"message\": {\"requestId\": ")]
    [InlineData("application/json", "{ this is not json")]
    [InlineData(null, "not json at all")]
    [InlineData("application/vnd.masstransit+json", "{\"messageType\": [\"urn:message:ApprovalOrchestrator.Contracts.V1:SubmitAgentRequest\"], \"message\": {\"requestId\": \"r1\", \"requester\": \"a\", \"text\": 42}}")]
    [InlineData("application/vnd.masstransit+json", "{\"hello\": 1}")]
    [InlineData("application/json", "{\"requestId\": \"r2\", \"requester\": \"a\", \"text\": [1]}")]
    public async Task Malformed_body_lands_in_error_queue_with_reason_and_intake_keeps_serving(string? contentType, string body)
    {
        var id = Guid.NewGuid();
        var messageId = id.ToString();
        await fixture.Raw.PublishAsync(fixture.Queue(QueueNames.Intake), body, contentType, messageId);

        // The sender hears why, like any rejected submit; the event's id derives from the message's.
        var rejected = await fixture.Integrator.WaitForIdAsync(DeterministicId.Create(id, "rejected"), "AgentRequestRejected for the unreadable message");
        var error = Assert.Single(Assert.IsType<AgentRequestRejected>(rejected.Message).Errors);
        Assert.Equal("body", error.Field);

        var errors = await fixture.Raw.CollectAsync(
            fixture.Queue(QueueNames.Intake + QueueNames.ErrorSuffix), m => m.Any(e => e.MessageId == messageId), "the malformed message in ao-intake_error");
        var faulted = errors.Single(e => e.MessageId == messageId);
        Assert.Equal(body, faulted.Body);
        Assert.Equal("fault", faulted.Header("MT-Reason"));
        Assert.Equal(error.Message, faulted.Header("MT-Fault-Message"));

        var valid = Requests.Green();
        await fixture.Integrator.PublishAsync(valid);
        await fixture.Integrator.WaitForAsync<AgentRequestCompleted>(c => c.RequestId == valid.RequestId, "a valid request to complete after the malformed one");
    }
}
