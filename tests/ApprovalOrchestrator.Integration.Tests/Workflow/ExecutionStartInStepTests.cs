using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Workflow;

/// <summary>
/// With local handoff the execution start is recorded in the commit of the step that asks for it: one step, one clock
/// reading, so the start's audit event carries the very instant of the classification (green) or of the deciding
/// approval (amber), and follows it directly in the hash chain. A separate start step would read the clock again.
/// </summary>
public sealed class ExecutionStartInStepTests
{
    [Fact]
    public async Task A_green_request_records_received_classified_and_execution_started_in_one_commit()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        var done = await host.WaitForStatusAsync(id, "executed");

        var timeline = Timeline(done);
        Assert.Equal(["received", "classified", "execution-started", "execution-finished", "completed"], timeline.Select(e => e.Kind));
        Assert.Single(timeline.Take(3).Select(e => e.At).Distinct());
        Assert.Single(gateway.RequestsTo(FakeGateway.ChatPath));
    }

    [Fact]
    public async Task The_approval_that_decides_a_request_and_its_execution_start_commit_together_and_the_tool_runs_once()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));

        var id = await host.SubmitOkAsync("Send the weekly status update.", tool: new { name = "message_send", action = "send", args = new { channel = "status", body = "All green" } });
        var taskId = await host.OpenTaskIdAsync(id);
        var (decided, body) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        Assert.True(decided.IsSuccessStatusCode, body.ToString());
        var done = await host.WaitForStatusAsync(id, "executed");

        var timeline = Timeline(done);
        var start = timeline.FindIndex(e => e.Kind == "execution-started");
        Assert.True(start > 0, string.Join(", ", timeline.Select(e => e.Kind)));
        var decision = timeline[start - 1];
        Assert.Equal("decision", decision.Kind);
        Assert.Equal(decision.At, timeline[start].At);
        Assert.Equal(1, gateway.ToolInvocationCount($"ao-{id:N}-{taskId:N}"));
    }

    private static List<(string Kind, string At)> Timeline(JsonElement request) =>
        request.GetProperty("timeline").EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("at").GetString()!))
            .ToList();
}
