using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Integration.Tests.Application;

/// <summary>Each rule of "claim a task" and "release my claim", once, at the use case.</summary>
public sealed class ClaimTaskTests(UseCaseHost app) : IClassFixture<UseCaseHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_claim_holds_the_task_for_the_configured_duration_and_keeps_others_from_claiming_or_deciding()
    {
        var (_, taskId) = await app.OpenTaskAsync();
        var tina = UseCaseHost.Approver("tina", "team-leads");
        var tom = UseCaseHost.Approver("tom", "team-leads");

        var claimed = await app.Get<ClaimTask>().HandleAsync(tina, taskId, Ct);
        var second = await app.Get<ClaimTask>().HandleAsync(tom, taskId, Ct);
        var decided = await app.Get<DecideTask>().HandleAsync(tom, new DecisionInput(taskId, "approve", null, null, await app.Host.ActionHashAsync(taskId)), cancellationToken: Ct);

        Assert.Equal("tina", claimed.Value!.Claim.By);
        Assert.Equal(TimeSpan.FromMinutes(15), claimed.Value.Duration);
        Assert.Equal(RefusalReason.ClaimedByOther, second.Refusal?.Reason);
        Assert.Equal(RefusalKind.Conflict, second.Refusal!.Kind);
        Assert.Equal(RefusalReason.ClaimedByOther, decided.Refusal?.Reason);
    }

    [Fact]
    public async Task Claiming_needs_the_authority_to_decide()
    {
        var (_, own) = await app.OpenTaskAsync(requester: "tina");
        var (_, red) = await app.OpenTaskAsync(UseCaseHost.Red);
        var tina = UseCaseHost.Approver("tina", "team-leads");

        Assert.Equal(RefusalReason.SelfApproval, (await app.Get<ClaimTask>().HandleAsync(tina, own, Ct)).Refusal?.Reason);
        Assert.Equal(RefusalReason.NotInGroup, (await app.Get<ClaimTask>().HandleAsync(tina, red, Ct)).Refusal?.Reason);
        Assert.Equal(RefusalKind.Forbidden, (await app.Get<ClaimTask>().HandleAsync(UseCaseHost.Submitter("tina"), red, Ct)).Refusal?.Kind);
        Assert.Equal(RefusalKind.NotFound, (await app.Get<ClaimTask>().HandleAsync(tina, Guid.NewGuid(), Ct)).Refusal?.Kind);
    }

    [Fact]
    public async Task Only_the_holder_releases_a_claim_and_then_another_may_claim()
    {
        var (_, taskId) = await app.OpenTaskAsync();
        var tina = UseCaseHost.Approver("tina", "team-leads");
        var tom = UseCaseHost.Approver("tom", "team-leads");
        Assert.True((await app.Get<ClaimTask>().HandleAsync(tina, taskId, Ct)).IsOk);

        var byOther = await app.Get<ReleaseClaim>().HandleAsync(tom, taskId, Ct);
        var byHolder = await app.Get<ReleaseClaim>().HandleAsync(tina, taskId, Ct);
        var reclaimed = await app.Get<ClaimTask>().HandleAsync(tom, taskId, Ct);

        Assert.Equal(RefusalReason.ClaimedByOther, byOther.Refusal?.Reason);
        Assert.True(byHolder.IsOk);
        Assert.Equal("tom", reclaimed.Value!.Claim.By);
        Assert.Equal(RefusalKind.NotFound, (await app.Get<ReleaseClaim>().HandleAsync(tina, Guid.NewGuid(), Ct)).Refusal?.Kind);
    }
}
