using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Integration.Tests.Budgets;
using static ApprovalOrchestrator.Integration.Tests.Budgets.BudgetKit;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// An agent over its budget trying to get more through anyway, against the real server, Gateway stand-in and database:
/// renaming itself, resubmitting the same request, or waiting out nothing. Each ends with nothing more sent.
/// </summary>
public sealed class BudgetEvasionTests
{
    [Fact]
    public async Task An_agent_over_its_limit_renaming_itself_is_an_unknown_agent_sent_to_people_not_executed()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());
        for (var i = 0; i < 4; i++)
        {
            await ExecutedAsync(host, "rpm-reject");
        }

        foreach (var alias in new[] { "RPM-REJECT", "rpm-reject2", "rpm_reject" })
        {
            await host.OpenTaskIdAsync(await SubmitAsync(host, alias));
        }

        Assert.Equal(4, gateway.RequestsTo(FakeGateway.ChatPath).Count);
    }

    [Fact]
    public async Task Resubmitting_the_same_request_id_neither_counts_again_nor_runs_again()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());

        for (var i = 0; i < 5; i++)
        {
            var (response, _) = await host.SubmitAsync(new { requestId = "same-one", requester = "alice", text = Green, workflow = BudgetKit.Workflow, agentId = "rpm-approve" });
            Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"resubmit {i} answered {(int)response.StatusCode}");
        }

        await gateway.WaitForRequestsAsync(FakeGateway.ChatPath, 1, TimeSpan.FromSeconds(20));
        Assert.Equal(1, await CounterAsync(host, "rpm-approve", "requests"));
        // The limit of two still has room for one more: the replays did not use it up.
        await ExecutedAsync(host, "rpm-approve");
        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ChatPath).Count);
    }

    [Fact]
    public async Task A_rejected_request_retried_at_once_is_rejected_again_and_counted()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await StartAsync(gateway, AtMinuteStart());
        for (var i = 0; i < 4; i++)
        {
            await ExecutedAsync(host, "rpm-reject");
        }

        for (var i = 0; i < 3; i++)
        {
            await host.WaitForStatusAsync(await SubmitAsync(host, "rpm-reject"), "rejected");
        }

        Assert.Equal(4, gateway.RequestsTo(FakeGateway.ChatPath).Count);
        Assert.Equal(7, await CounterAsync(host, "rpm-reject", "requests")); // a flood keeps the agent over: it is what is limited
    }
}
