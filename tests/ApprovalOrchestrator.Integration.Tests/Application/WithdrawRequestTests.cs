using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Application.Requests;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Integration.Tests.Application;

/// <summary>Each rule of "withdraw my request", once, at the use case.</summary>
public sealed class WithdrawRequestTests(UseCaseHost app) : IClassFixture<UseCaseHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WithdrawRequest Withdraw => app.Get<WithdrawRequest>();

    [Fact]
    public async Task Only_the_requester_withdraws_and_the_waiting_task_closes()
    {
        var (instance, taskId) = await app.OpenTaskAsync();

        var byOther = await Withdraw.HandleAsync(UseCaseHost.Submitter("mallory"), instance, "mine now", Ct);
        var byApprover = await Withdraw.HandleAsync(UseCaseHost.Approver("alice", "team-leads"), instance, null, Ct);
        var byRequester = await Withdraw.HandleAsync(UseCaseHost.Submitter("alice"), instance, "not needed", Ct);

        Assert.Equal(RefusalReason.NotRequester, byOther.Refusal?.Reason);
        Assert.Equal(RefusalKind.Forbidden, byApprover.Refusal?.Kind); // the submitter role, not just the name
        Assert.Equal(InstanceStatus.Withdrawn, byRequester.Value!.Status);
        Assert.Equal("withdrawn", (await app.Host.GetTaskAsync(taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_request_that_was_decided_cannot_be_withdrawn_and_the_reason_is_bounded()
    {
        var (instance, taskId) = await app.OpenTaskAsync();
        Assert.True((await app.Get<DecideTask>().HandleAsync(UseCaseHost.Approver("tina", "team-leads"), new DecisionInput(taskId, "approve", null, null, await app.Host.ActionHashAsync(taskId)), cancellationToken: Ct)).IsOk);
        await app.Host.WaitForStatusAsync(instance.Value, "dry-run");

        var late = await Withdraw.HandleAsync(UseCaseHost.Submitter("alice"), instance, null, Ct);
        var long_ = await Withdraw.HandleAsync(UseCaseHost.Submitter("alice"), instance, new string('r', WithdrawRequest.MaxReasonLength + 1), Ct);
        var unknown = await Withdraw.HandleAsync(UseCaseHost.Submitter("alice"), new InstanceId(Guid.NewGuid()), null, Ct);

        Assert.Equal(RefusalKind.Conflict, late.Refusal?.Kind);
        Assert.Equal("Cannot withdraw", late.Refusal!.Title);
        Assert.Equal("reason", Assert.Single(long_.Refusal!.Errors).Field);
        Assert.Equal(RefusalKind.NotFound, unknown.Refusal?.Kind);
    }
}
