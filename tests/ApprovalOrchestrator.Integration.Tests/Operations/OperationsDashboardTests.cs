using System.Net;
using System.Text.RegularExpressions;
using ApprovalOrchestrator.Integration.Tests.Console;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Operations;

/// <summary>The operations dashboard against a real server and database: the charts count what really happened.</summary>
public sealed partial class OperationsDashboardTests : IAsyncLifetime
{
    private OrchestratorHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await OrchestratorHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_charts_count_pending_tasks_decisions_and_escalations()
    {
        // Two amber requests wait for team leads; one is approved; one on the fast test workflow escalates to managers.
        var waiting = await _host.SubmitOkAsync("Email the vendor the signed contract.");
        var decided = await _host.SubmitOkAsync("Email the supplier the revised contract.");
        var escalating = await _host.SubmitOkAsync("Email the customer the signed contract.", workflow: "escalate-then-wait");
        await _host.OpenTaskIdAsync(waiting);
        var (response, body) = await _host.DecideAsync(await _host.OpenTaskIdAsync(decided), "tina", "team-leads", "approve");
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        await WaitForOpenTaskInGroupAsync(escalating, "managers");

        using var auditor = await ConsoleSession.SignInAsync(_host, "audrey", "auditor");
        var fragment = await (await auditor.GetAsync("/operations?handler=poll")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("Pending approvals by risk and age (2 open)", fragment, StringComparison.Ordinal);
        var pending = PendingBar().Matches(fragment).Select(m => (Risk: m.Groups[1].Value, Band: WebUtility.HtmlDecode(m.Groups[2].Value), Count: int.Parse(m.Groups[3].Value))).ToList();
        Assert.Equal([("amber", "< 15 min", 2)], pending);
        Assert.Matches("data-series=\"escalations\" data-total=\"1\"", fragment);
        Assert.Matches("data-series=\"expiries\" data-total=\"0\"", fragment);
        Assert.Matches("<g class=\"latency\" data-key=\"team-leads\" data-decisions=\"1\"", fragment);
        Assert.Matches("<g class=\"latency\" data-key=\"tier 1\" data-decisions=\"1\"", fragment);
        Assert.Equal(2, Regex.Count(fragment, "<tr data-task="));
        Assert.Contains("not halted — no kill switch configured", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", fragment, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", fragment, StringComparison.OrdinalIgnoreCase);

        // The full page carries the same charts, plus what the script needs to poll.
        var page = await auditor.GetAsync("/operations");
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("data-ops-poll=\"/operations?handler=poll\"", html, StringComparison.Ordinal);
        Assert.Contains("(2 open)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_system_draws_empty_charts_rather_than_failing()
    {
        using var admin = await ConsoleSession.SignInAsync(_host, "ada", "admin");
        var response = await admin.GetAsync("/operations?handler=poll");
        var fragment = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("(0 open)", fragment, StringComparison.Ordinal);
        Assert.Contains("No approvals waiting", fragment, StringComparison.Ordinal);
        Assert.Contains("No decisions in the last 24 h.", fragment, StringComparison.Ordinal);
        Assert.Contains("Nothing is waiting.", fragment, StringComparison.Ordinal);
    }

    private async Task WaitForOpenTaskInGroupAsync(Guid requestId, string group)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var request = await _host.GetRequestAsync(requestId);
            if (request.GetProperty("tasks").EnumerateArray().Any(t => t.GetProperty("status").GetString() == "open" && t.GetProperty("group").GetString() == group))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < until, $"No open task for {group} in time: {request}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [GeneratedRegex("<rect class=\"bar\" data-risk=\"([^\"]+)\" data-band=\"([^\"]+)\" data-count=\"(\\d+)\"")]
    private static partial Regex PendingBar();
}
