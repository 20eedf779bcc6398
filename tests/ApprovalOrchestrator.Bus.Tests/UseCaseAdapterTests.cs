using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Messaging;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>
/// The bus consumers are thin adapters over the use cases (Application/): over the real broker, a bus decision and a
/// bus submit are refused with the use case's own words, as the HTTP endpoint and the console page are
/// (Integration.Tests/Application/AdapterTests.cs), so the three ways in cannot diverge.
/// </summary>
public sealed class UseCaseAdapterTests(DryRunBusFixture fixture) : IClassFixture<DryRunBusFixture>
{
    [Fact]
    public async Task Bus_decision_refuses_a_reject_without_a_comment_with_the_use_cases_field_error()
    {
        var request = new SubmitAgentRequest(Requests.NewId("adapter"), Requests.Requester, null, "Send the invoice to the vendor.", null, null);
        await fixture.Integrator.PublishAsync(request);
        var notice = await fixture.Integrator.WaitForAsync<ApprovalRequested>(a => a.RequestId == request.RequestId, "the amber approval notice");
        var decision = new SubmitApprovalDecision(notice.TaskId, "no-reason", "lead-1", ["team-leads"], "reject", " ", notice.ActionHash, fixture.Server.ApproverToken("lead-1", "team-leads"));
        var expected = Assert.Single(DecideTask.Validate(new DecisionInput(decision.TaskId, decision.Decision, decision.Comment, decision.DecisionId, decision.ActionHash), decisionIdRequired: true));

        var messageId = await fixture.Integrator.PublishAsync(decision);
        var faulted = await fixture.Raw.CollectAsync(
            fixture.Queue(QueueNames.Decisions + QueueNames.ErrorSuffix), m => m.Any(e => e.MessageId == messageId.ToString()), "the refused decision in ao-decisions_error");

        Assert.EndsWith($"{expected.Field}: {expected.Message}", faulted.Single(e => e.MessageId == messageId.ToString()).Header("MT-Fault-Message"), StringComparison.Ordinal);
        var waiting = await fixture.Server.GetRequestAsync(notice.InstanceId);
        Assert.Equal("awaiting-approval", waiting.GetProperty("status").GetString());
        Assert.Empty(waiting.GetProperty("tasks")[0].GetProperty("decisions").EnumerateArray());
    }

    [Fact]
    public async Task Bus_submit_without_a_client_request_id_is_rejected_with_the_use_cases_field_error()
    {
        var message = Requests.Green() with { RequestId = null! };
        var expected = Assert.Single(RequestValidator.Validate(new SubmitCommand(null, message.Requester, null, message.Text, null, null), requestIdRequired: true));

        var messageId = await fixture.Integrator.PublishAsync(message);
        var rejected = (AgentRequestRejected)(await fixture.Integrator.WaitForIdAsync(DeterministicId.Create(messageId, "rejected"), "the rejection")).Message;

        var error = Assert.Single(rejected.Errors);
        Assert.Equal(expected.Field, error.Field);
        Assert.Equal(expected.Message, error.Message);
    }
}
