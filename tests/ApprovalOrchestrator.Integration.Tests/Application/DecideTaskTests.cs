using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Integration.Tests.Application;

/// <summary>
/// Each rule of "decide a task", once, at the use case: the HTTP endpoint, the console form, bulk approval and the bus
/// consumer all call it (see <see cref="AdapterTests"/>), so none of them can differ.
/// </summary>
public sealed class DecideTaskTests(UseCaseHost app) : IClassFixture<UseCaseHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DecideTask Decide => app.Get<DecideTask>();

    private static readonly Actor s_tina = UseCaseHost.Approver("tina", "team-leads");

    private async Task<DecisionInput> ApproveInputAsync(Guid taskId, string? decisionId = null) =>
        new(taskId, "approve", null, decisionId, await app.Host.ActionHashAsync(taskId));

    [Fact]
    public async Task A_reject_without_a_comment_is_invalid_naming_the_comment_and_records_nothing()
    {
        var (instance, taskId) = await app.OpenTaskAsync();
        foreach (var comment in new[] { null, "", "   " })
        {
            var input = await ApproveInputAsync(taskId) with { Decision = "reject", Comment = comment };
            var result = await Decide.HandleAsync(s_tina, input, cancellationToken: Ct);
            Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
            Assert.Equal("comment", Assert.Single(result.Refusal!.Errors).Field);
        }

        Assert.Equal("awaiting-approval", (await app.Host.GetRequestAsync(instance.Value)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bad_fields_are_all_named_at_once()
    {
        var input = new DecisionInput(Guid.Empty, "maybe", new string('c', DecideTask.MaxCommentLength + 1), "", null);
        var result = await Decide.HandleAsync(s_tina, input, cancellationToken: Ct);

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal(["taskId", "decision", "actionHash", "decisionId", "comment"], result.Refusal!.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task A_decision_id_is_made_up_when_allowed_and_required_when_the_channel_says_so()
    {
        var (_, taskId) = await app.OpenTaskAsync();
        var input = await ApproveInputAsync(taskId);

        var required = await Decide.HandleAsync(s_tina, input, decisionIdRequired: true, cancellationToken: Ct);
        Assert.Equal("decisionId", Assert.Single(required.Refusal!.Errors).Field);

        var madeUp = await Decide.HandleAsync(s_tina, input, cancellationToken: Ct);
        Assert.True(madeUp.Value!.Recorded);
        Assert.False(string.IsNullOrWhiteSpace(madeUp.Value.DecisionId));
    }

    [Fact]
    public async Task A_caller_without_the_approver_role_is_forbidden_even_in_the_group()
    {
        var (_, taskId) = await app.OpenTaskAsync();
        var auditor = new Actor("audrey", ["team-leads"], [UserRoles.Auditor, UserRoles.Submitter]);

        var result = await Decide.HandleAsync(auditor, await ApproveInputAsync(taskId), cancellationToken: Ct);

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.True(result.Refusal!.IsSecurityEvent);
    }

    [Fact]
    public async Task An_unknown_task_is_not_found()
    {
        var result = await Decide.HandleAsync(s_tina, new DecisionInput(Guid.NewGuid(), "approve", null, null, "sha256:00"), cancellationToken: Ct);

        Assert.Equal(RefusalKind.NotFound, result.Refusal?.Kind);
    }

    [Fact]
    public async Task A_stale_action_hash_is_refused_as_stale_and_the_current_one_is_recorded()
    {
        var (_, taskId) = await app.OpenTaskAsync();

        var stale = await Decide.HandleAsync(s_tina, new DecisionInput(taskId, "approve", null, null, "sha256:" + new string('0', 64)), cancellationToken: Ct);
        var current = await Decide.HandleAsync(s_tina, await ApproveInputAsync(taskId), cancellationToken: Ct);

        Assert.Equal(RefusalKind.StaleAction, stale.Refusal?.Kind);
        Assert.True(current.Value!.Recorded);
    }

    [Fact]
    public async Task Deciding_on_ones_own_request_is_forbidden()
    {
        var (_, taskId) = await app.OpenTaskAsync(requester: "tina");

        var result = await Decide.HandleAsync(s_tina, await ApproveInputAsync(taskId), cancellationToken: Ct);

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Equal(RefusalReason.SelfApproval, result.Refusal!.Reason);
    }

    [Fact]
    public async Task An_approver_outside_the_tasks_group_is_forbidden()
    {
        var (_, taskId) = await app.OpenTaskAsync(UseCaseHost.Red);

        var result = await Decide.HandleAsync(s_tina, await ApproveInputAsync(taskId), cancellationToken: Ct);

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Equal(RefusalReason.NotInGroup, result.Refusal!.Reason);
    }

    [Fact]
    public async Task The_same_decision_id_again_changes_nothing_and_a_decided_task_is_closed()
    {
        var (instance, taskId) = await app.OpenTaskAsync();
        var input = await ApproveInputAsync(taskId, "once-" + Guid.NewGuid().ToString("N"));

        var first = await Decide.HandleAsync(s_tina, input, cancellationToken: Ct);
        var again = await Decide.HandleAsync(s_tina, input, cancellationToken: Ct);
        await app.Host.WaitForStatusAsync(instance.Value, "dry-run");
        var late = await Decide.HandleAsync(UseCaseHost.Approver("tom", "team-leads"), await ApproveInputAsync(taskId), cancellationToken: Ct);

        Assert.True(first.Value!.Recorded);
        Assert.Equal(instance, first.Value.Instance);
        Assert.False(again.Value!.Recorded);
        Assert.Equal(RefusalKind.Conflict, late.Refusal?.Kind);
        Assert.Equal(RefusalReason.Closed, late.Refusal!.Reason);
    }

    [Fact]
    public async Task A_redelivered_bus_decision_is_one_step()
    {
        var (_, taskId) = await app.OpenTaskAsync();
        var delivery = new DeliveryKey("decision", Guid.NewGuid());
        var input = await ApproveInputAsync(taskId, "bus-" + Guid.NewGuid().ToString("N"));

        var first = await Decide.HandleAsync(s_tina, input, decisionIdRequired: true, delivery, Ct);
        var redelivered = await Decide.HandleAsync(s_tina, input, decisionIdRequired: true, delivery, Ct);

        Assert.True(first.Value!.Recorded);
        Assert.True(redelivered.Value!.Redelivered); // the inbox has it: no step at all
        Assert.False(redelivered.Value.Recorded);
    }

    [Fact]
    public async Task Delegated_authority_counts_for_a_verified_delegate_but_not_through_a_bridge()
    {
        var (_, taskId) = await app.OpenTaskAsync();
        var (_, second) = await app.OpenTaskAsync();
        var dan = "dan-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        var granted = await app.Get<DelegateAuthority>().HandleAsync(s_tina, new DelegationInput(dan, null, now.AddMinutes(-1), now.AddHours(1), null));
        Assert.True(granted.IsOk, granted.Refusal?.Detail);

        var vouched = await Decide.HandleAsync(Actor.VouchedBy("chatops", dan, []), await ApproveInputAsync(taskId), cancellationToken: Ct);
        var verified = await Decide.HandleAsync(UseCaseHost.Approver(dan), await ApproveInputAsync(second), cancellationToken: Ct);

        Assert.Equal(RefusalReason.NotInGroup, vouched.Refusal?.Reason);
        Assert.True(verified.Value!.Recorded);
    }

    [Fact]
    public async Task A_delegate_of_the_requester_is_refused_even_when_a_bridge_vouches_for_the_group()
    {
        var requester = "rhea-" + Guid.NewGuid().ToString("N")[..8];
        var (_, taskId) = await app.OpenTaskAsync(requester: requester);
        var now = DateTimeOffset.UtcNow;
        Assert.True((await app.Get<DelegateAuthority>().HandleAsync(UseCaseHost.Approver(requester), new DelegationInput("tom", null, now.AddMinutes(-1), now.AddHours(1), null))).IsOk);

        var vouched = await Decide.HandleAsync(Actor.VouchedBy("chatops", "tom", ["team-leads"]), await ApproveInputAsync(taskId), cancellationToken: Ct);

        Assert.Equal(RefusalKind.Forbidden, vouched.Refusal?.Kind);
        Assert.Equal(RefusalReason.SelfApproval, vouched.Refusal!.Reason);
    }
}
