using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Approvals;

namespace ApprovalOrchestrator.Integration.Tests.Application;

/// <summary>Each rule of "bulk approve", once, at the use case (every item is itself a <see cref="DecideTask"/>).</summary>
public sealed class BulkApproveTests(UseCaseHost app) : IClassFixture<UseCaseHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BulkApprove Bulk => app.Get<BulkApprove>();

    [Fact]
    public async Task The_batch_holds_one_to_fifty_items_each_with_a_task_and_its_action_hash()
    {
        var tina = UseCaseHost.Approver("tina", "team-leads");
        var tooMany = Enumerable.Range(0, BulkApprove.MaxItems + 1).Select(_ => new BulkApproveItem(Guid.NewGuid(), "sha256:00")).ToList();

        Assert.Equal("items", Assert.Single((await Bulk.HandleAsync(tina, new BulkApproveInput(null, null), Ct)).Refusal!.Errors).Field);
        Assert.Equal("items", Assert.Single((await Bulk.HandleAsync(tina, new BulkApproveInput([], null), Ct)).Refusal!.Errors).Field);
        Assert.Equal("items", Assert.Single((await Bulk.HandleAsync(tina, new BulkApproveInput(tooMany, null), Ct)).Refusal!.Errors).Field);
        Assert.Equal("items", Assert.Single((await Bulk.HandleAsync(tina, new BulkApproveInput([new(Guid.NewGuid(), " ")], null), Ct)).Refusal!.Errors).Field);
        Assert.Equal("comment", Assert.Single((await Bulk.HandleAsync(tina, new BulkApproveInput([new(Guid.NewGuid(), "sha256:00")], new string('c', 4001)), Ct)).Refusal!.Errors).Field);
        Assert.Equal(RefusalKind.Forbidden, (await Bulk.HandleAsync(UseCaseHost.Submitter("tina"), new BulkApproveInput([new(Guid.NewGuid(), "sha256:00")], null), Ct)).Refusal?.Kind);
    }

    [Fact]
    public async Task Amber_tasks_are_approved_red_and_decided_ones_skipped_unknown_ones_reported_and_foreign_ones_refused_and_recorded()
    {
        var (_, amber) = await app.OpenTaskAsync();
        var (_, red) = await app.OpenTaskAsync(UseCaseHost.Red);
        var (_, own) = await app.OpenTaskAsync(requester: "tina");
        var (_, decided) = await app.OpenTaskAsync();
        var tina = UseCaseHost.Approver("tina", "team-leads");
        Assert.True((await app.Get<DecideTask>().HandleAsync(UseCaseHost.Approver("tom", "team-leads"), new DecisionInput(decided, "approve", null, null, await app.Host.ActionHashAsync(decided)), cancellationToken: Ct)).IsOk);
        var unknown = Guid.NewGuid();
        var items = new List<BulkApproveItem>();
        foreach (var id in new[] { amber, red, own, decided })
        {
            items.Add(new(id, await app.Host.ActionHashAsync(id)));
        }

        items.Add(new(unknown, "sha256:00"));
        items.Add(items[0]); // the same task twice is one decision

        var result = (await Bulk.HandleAsync(tina, new BulkApproveInput(items, "batch"), Ct)).Value!;
        var byTask = result.Results.ToDictionary(r => r.TaskId, r => r.Outcome);

        Assert.Equal(5, result.Results.Count);
        Assert.Equal("approved", byTask[amber]);
        Assert.Equal("skipped", byTask[red]);
        Assert.Equal("refused", byTask[own]);
        Assert.Equal("skipped", byTask[decided]);
        Assert.Equal("not-found", byTask[unknown]);
        Assert.Equal(1, result.Approved);
        Assert.Contains(own.ToString(), Assert.Single(result.SecurityNotes), StringComparison.Ordinal);
    }
}
