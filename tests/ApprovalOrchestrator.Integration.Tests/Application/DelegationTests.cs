using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Application.Identity;

namespace ApprovalOrchestrator.Integration.Tests.Application;

/// <summary>Each rule of "delegate my authority" and "revoke a delegation", once, at the use case.</summary>
public sealed class DelegationTests(UseCaseHost app) : IClassFixture<UseCaseHost>
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private DelegateAuthority Grant => app.Get<DelegateAuthority>();

    private RevokeDelegation Revoke => app.Get<RevokeDelegation>();

    private static string Someone(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    private static DelegationInput Window(string to, string? from = null, IReadOnlyList<string>? groups = null) => new(to, from, s_now.AddMinutes(-1), s_now.AddHours(1), groups);

    [Fact]
    public async Task A_grant_names_a_delegate_and_a_window_that_ends_after_it_starts()
    {
        var tina = UseCaseHost.Approver("tina", "team-leads");

        var empty = await Grant.HandleAsync(tina, new DelegationInput(" ", null, null, null, null));
        var backwards = await Grant.HandleAsync(tina, new DelegationInput("dan", null, s_now, s_now.AddHours(-1), null));
        var badGroups = await Grant.HandleAsync(UseCaseHost.Admin(), Window("dan", "tina", ["", "x"]));

        Assert.Equal(["to", "startsAt", "endsAt"], empty.Refusal!.Errors.Select(e => e.Field));
        Assert.Equal("endsAt", Assert.Single(backwards.Refusal!.Errors).Field);
        Assert.Equal("groups", Assert.Single(badGroups.Refusal!.Errors).Field);
    }

    [Fact]
    public async Task An_approver_delegates_the_groups_of_their_token_and_only_for_themselves()
    {
        var tina = UseCaseHost.Approver(Someone("tina"), "team-leads");

        var own = await Grant.HandleAsync(tina, Window("dan", groups: ["security-officers"]));
        var forOther = await Grant.HandleAsync(tina, Window("dan", from: "boss"));
        var submitter = await Grant.HandleAsync(UseCaseHost.Submitter("sue"), Window("dan"));

        Assert.Equal(["team-leads"], own.Value!.DelegatorGroups); // the named groups count for nothing
        Assert.Equal(tina.User, own.Value.Delegator);
        Assert.Equal(RefusalKind.Forbidden, forOther.Refusal?.Kind);
        Assert.Equal(RefusalKind.Forbidden, submitter.Refusal?.Kind);
    }

    [Fact]
    public async Task An_admin_delegates_for_someone_naming_their_groups()
    {
        var boss = Someone("boss");

        var grant = await Grant.HandleAsync(UseCaseHost.Admin(), Window("dan", from: boss, groups: ["managers"]));

        Assert.Equal(boss, grant.Value!.Delegator);
        Assert.Equal(["managers"], grant.Value.DelegatorGroups);
    }

    [Fact]
    public async Task A_grant_closing_a_cycle_is_a_conflict_naming_the_cycle()
    {
        var (a, b) = (Someone("a"), Someone("b"));
        Assert.True((await Grant.HandleAsync(UseCaseHost.Approver(a, "team-leads"), Window(b))).IsOk);

        var back = await Grant.HandleAsync(UseCaseHost.Approver(b, "team-leads"), Window(a));

        Assert.Equal(RefusalKind.Conflict, back.Refusal?.Kind);
        Assert.Equal("Delegation cycle", back.Refusal!.Title);
        var cycle = Assert.IsAssignableFrom<IReadOnlyList<string>>(back.Refusal.Extensions!["cycle"]);
        Assert.Contains(a, cycle);
        Assert.Contains(b, cycle);
    }

    [Fact]
    public async Task The_delegator_the_delegate_the_creator_or_an_admin_revoke_and_anyone_else_sees_a_missing_grant_recorded()
    {
        var (delegator, deputy) = (Someone("tina"), Someone("dan"));
        async Task<Guid> NewGrantAsync() => (await Grant.HandleAsync(UseCaseHost.Approver(delegator, "team-leads"), Window(deputy))).Value!.Id;

        var kept = await NewGrantAsync();
        var stranger = await Revoke.HandleAsync(UseCaseHost.Approver("mallory", "team-leads"), kept, "mine");
        Assert.Equal(RefusalKind.NotFound, stranger.Refusal?.Kind);
        Assert.True(stranger.Refusal!.IsSecurityEvent);
        Assert.Equal(RefusalKind.NotFound, (await Revoke.HandleAsync(UseCaseHost.Admin(), Guid.NewGuid(), null)).Refusal?.Kind);
        Assert.False((await Revoke.HandleAsync(UseCaseHost.Admin(), Guid.NewGuid(), null)).Refusal!.IsSecurityEvent);

        foreach (var who in new Actor[] { UseCaseHost.Approver(delegator), UseCaseHost.Approver(deputy), UseCaseHost.Admin() })
        {
            var id = await NewGrantAsync();
            Assert.True((await Revoke.HandleAsync(who, id, " back early ")).IsOk, who.User);
            var again = await Revoke.HandleAsync(who, id, null);
            Assert.Equal(RefusalKind.Conflict, again.Refusal?.Kind);
        }

        // Whoever made a grant for someone else may end it, admin or not by then.
        var creator = Someone("ada");
        var made = (await Grant.HandleAsync(UseCaseHost.Admin(creator), Window(deputy, from: delegator, groups: ["team-leads"]))).Value!.Id;
        Assert.True((await Revoke.HandleAsync(UseCaseHost.Approver(creator), made, null)).IsOk);

        // Only the grant the stranger tried to end is still in force.
        Assert.Equal([kept], (await app.Get<IDelegations>().ListAsync(deputy)).Select(g => g.Id));
        Assert.Equal("reason", Assert.Single((await Revoke.HandleAsync(UseCaseHost.Admin(), Guid.NewGuid(), new string('r', 1001))).Refusal!.Errors).Field);
    }
}
