using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Integration.Tests.Application;

/// <summary>Each rule of "reassign a task", once, at the use case.</summary>
public sealed class ReassignTaskTests(UseCaseHost app) : IClassFixture<UseCaseHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ReassignTask Reassign => app.Get<ReassignTask>();

    [Fact]
    public async Task Only_an_admin_reassigns()
    {
        var (_, taskId) = await app.OpenTaskAsync();

        var result = await Reassign.HandleAsync(UseCaseHost.Approver("tina", "team-leads"), new ReassignInput(taskId, "managers", null, null), Ct);

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Equal("team-leads", (await app.Host.GetTaskAsync(taskId)).GetProperty("group").GetString());
    }

    [Fact]
    public async Task A_group_or_a_user_must_be_named_and_names_are_bounded()
    {
        var (_, taskId) = await app.OpenTaskAsync();

        var none = await Reassign.HandleAsync(UseCaseHost.Admin(), new ReassignInput(taskId, " ", null, null), Ct);
        var huge = await Reassign.HandleAsync(UseCaseHost.Admin(), new ReassignInput(taskId, null, new string('u', 201), new string('c', 4001)), Ct);

        Assert.Equal("group", Assert.Single(none.Refusal!.Errors).Field);
        Assert.Equal(["user", "comment"], huge.Refusal!.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task An_admin_moves_the_task_to_a_group_and_a_person()
    {
        var (_, taskId) = await app.OpenTaskAsync();

        var moved = await Reassign.HandleAsync(UseCaseHost.Admin(), new ReassignInput(taskId, " managers ", "mia", "covering"), Ct);
        var outsider = await app.Get<DecideTask>().HandleAsync(UseCaseHost.Approver("tina", "team-leads"), new DecisionInput(taskId, "approve", null, null, await app.Host.ActionHashAsync(taskId)), cancellationToken: Ct);

        Assert.Equal("managers", moved.Value!.Group);
        Assert.Equal("mia", moved.Value.AssignedTo);
        Assert.Equal(RefusalReason.NotInGroup, outsider.Refusal?.Reason);
    }

    [Fact]
    public async Task The_task_cannot_be_given_to_someone_the_requester_delegated_to()
    {
        var requester = "rita-" + Guid.NewGuid().ToString("N")[..8];
        var (_, taskId) = await app.OpenTaskAsync(requester: requester);
        var now = DateTimeOffset.UtcNow;
        Assert.True((await app.Get<DelegateAuthority>().HandleAsync(UseCaseHost.Approver(requester), new DelegationInput("deputy", null, now.AddMinutes(-1), now.AddHours(1), null))).IsOk);

        var result = await Reassign.HandleAsync(UseCaseHost.Admin(), new ReassignInput(taskId, null, "deputy", null), Ct);

        Assert.Equal(RefusalReason.SelfApproval, result.Refusal?.Reason);
        Assert.Equal(RefusalKind.NotFound, (await Reassign.HandleAsync(UseCaseHost.Admin(), new ReassignInput(Guid.NewGuid(), "managers", null, null), Ct)).Refusal?.Kind);
    }
}
