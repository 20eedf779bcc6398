using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using static ApprovalOrchestrator.Integration.Tests.Controls.Halts;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attempts to get an execution past a halt in force: renaming the halted agent or tool by case, getting it approved
/// first, or racing the halt. Each ends <c>halted</c> with nothing at the Gateway (a real fake Gateway over HTTP).
/// </summary>
public sealed class KillSwitchEvasionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("OPS-BOT")]
    [InlineData("Ops-Bot")]
    public async Task An_agent_renamed_by_case_is_still_halted_even_once_approved(string variant)
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        await HaltOkAsync(host.Admin, "agent", "ops-bot", "ops-bot quarantined");

        var (response, body) = await host.SubmitAsync(new { requester = "alice", text = "Summarize the onboarding guide for internal use.", agentId = variant });
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        var id = body.GetProperty("id").GetGuid();
        var (decided, answer) = await host.DecideAsync(await host.OpenTaskIdAsync(id), "bob", "team-leads", "approve");
        Assert.True(decided.IsSuccessStatusCode, answer.ToString());
        await host.WaitForStatusAsync(id, "halted");
        Assert.Empty(gateway.Requests);
    }

    [Theory]
    [InlineData("SESSIONS_LIST")]
    [InlineData("Sessions_List")]
    public async Task A_tool_renamed_by_case_is_still_halted_even_once_approved(string variant)
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        await HaltOkAsync(host.Admin, "tool", "sessions_list", "sessions tool quarantined");

        // Not a declared tool name, so it needs approval (deny by default); approved, it meets the halt.
        var id = await host.SubmitOkAsync("List my open sessions.", tool: new { name = variant, action = "json" });
        var (decided, answer) = await host.DecideAsync(await host.OpenTaskIdAsync(id), "bob", "team-leads", "approve");
        Assert.True(decided.IsSuccessStatusCode, answer.ToString());
        await host.WaitForStatusAsync(id, "halted");
        Assert.Empty(gateway.Requests);
    }

    [Fact]
    public async Task Requests_fired_the_instant_the_halt_answers_all_wait_halted_there_is_no_window()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        await HaltOkAsync(host.Admin, "all", null, "stop now");
        // No wait for any node's cache: the execute step reads the stored halt.
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => host.SubmitOkAsync($"Summarize report {i} for internal use.")));
        foreach (var id in ids)
        {
            await host.WaitForStatusAsync(id, "halted");
        }

        Assert.Empty(gateway.Requests);
    }
}
