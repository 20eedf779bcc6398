using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Testing.ScaleOut;
using static ApprovalOrchestrator.Integration.Tests.Budgets.BudgetKit;

namespace ApprovalOrchestrator.Integration.Tests.Budgets;

/// <summary>
/// Two nodes on one PostgreSQL database (a scratch one) share one budget: both count into the same rows, and the upsert's
/// row lock orders them, so together they execute exactly the limit and reject the rest. Each node dispatches the shared
/// outbox to its own bus, so a request submitted to one is often classified by the other.
/// </summary>
[Trait("Storage", TestStorage.Explicit)] // always PostgreSQL (its own scratch database): one run, in the first pass
public sealed class BudgetAcrossNodesTests
{
    [Fact]
    public async Task Two_nodes_classifying_at_once_execute_exactly_the_limit_between_them()
    {
        await using var scratch = await ScratchPostgres.CreateAsync("budgets", Ct);
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        var clock = AtMinuteStart();
        var databasePath = OrchestratorHost.NewDatabasePath();
        var shared = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = StorageOptions.Postgres,
            ["ConnectionStrings:Approvals"] = scratch.ConnectionString,
            ["Storage:DataDirectory"] = Path.GetDirectoryName(databasePath),
            ["Quartz:ClusterCheckinSeconds"] = "1",
        };
        await using var a = await StartAsync(gateway, clock, databasePath, shared);
        await using var b = await StartAsync(gateway, clock, databasePath, shared);

        var ids = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => SubmitAsync(i % 2 == 0 ? a : b, "rpm-reject", text: $"{Green} #{i}")));
        var statuses = await FinalStatusesAsync(a, ids);

        Assert.Equal(4, statuses.Count(s => s == "executed"));
        Assert.Equal(12, statuses.Count(s => s == "rejected"));
        Assert.Equal(4, gateway.RequestsTo(FakeGateway.ChatPath).Count);
        Assert.Equal(16, await CounterAsync(b, "rpm-reject", "requests"));
    }
}
