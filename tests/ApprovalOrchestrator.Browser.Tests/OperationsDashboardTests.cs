using System.Text.Json;
using ApprovalOrchestrator.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApprovalOrchestrator.Browser.Tests;

public sealed class OperationsDashboardTests
{
    [Fact]
    public async Task An_auditor_sees_pending_work_latency_and_escalations_drawn_and_the_charts_update_without_a_reload()
    {
        await using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["Workflows:Directory"] = Path.Combine(AppContext.BaseDirectory, "workflows-fast"),
            ["Workflows:AllowChoice:0"] = "escalate-then-wait",
        });
        // The scene: three amber requests for team leads (one gets approved), one red for security officers, and one
        // amber on the fast test workflow that escalates from team leads to managers after a second.
        var amber = new List<Guid>();
        foreach (var text in new[] { "Email the vendor the signed contract.", "Email the supplier the revised contract.", "Email the board the agenda." })
        {
            amber.Add(await host.SubmitAsync(text));
        }

        var red = await host.SubmitAsync("Wire money to the supplier.");
        var escalating = await host.SubmitAsync("Email the customer the signed contract.", workflow: "escalate-then-wait");
        var first = await host.WaitForRequestAsync(amber[0], HasOpenTaskIn("team-leads"));
        foreach (var id in amber.Skip(1))
        {
            await host.WaitForRequestAsync(id, HasOpenTaskIn("team-leads"));
        }

        await host.WaitForRequestAsync(red, HasOpenTaskIn("security-officers"));
        await host.WaitForRequestAsync(escalating, HasOpenTaskIn("managers"));

        await using var browser = await Chromium.LaunchAsync();
        var approver = await browser.NewPageAsync();
        var taskId = first.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("status").GetString() == "open").GetProperty("id").GetGuid();
        await ConsolePages.SignInAsync(approver, host, host.Token("tina", "approver", "team-leads"), $"/tasks/{taskId}");
        await approver.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(approver.GetByTestId("flash")).ToHaveTextAsync("You approved this request.");

        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page, host, host.Token("audrey", "auditor"), "/operations");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Operations" })).ToHaveAttributeAsync("aria-current", "page");

        // Pending by risk and age: everything is minutes old, so one stacked column of 3 amber and 1 red.
        var pending = page.GetByTestId("ops-pending");
        await Expect(pending.Locator("h2")).ToHaveTextAsync("Pending approvals by risk and age (4 open)");
        await Expect(pending.Locator("svg rect.bar")).ToHaveCountAsync(2);
        await Expect(pending.Locator("rect.bar[data-risk=amber]")).ToHaveAttributeAsync("data-count", "3");
        await Expect(pending.Locator("rect.bar[data-risk=red]")).ToHaveAttributeAsync("data-count", "1");
        await Expect(pending.Locator("rect.bar[data-risk=amber]")).ToHaveAttributeAsync("data-band", "< 15 min");
        await Expect(pending.Locator("svg text.legend")).ToHaveTextAsync(["red (1)", "amber (3)"]);

        // Tina's decision is the one latency sample, for team-leads at tier 1.
        var byGroup = page.GetByTestId("ops-latency-group").Locator("g.latency");
        await Expect(byGroup).ToHaveCountAsync(1);
        await Expect(byGroup).ToHaveAttributeAsync("data-key", "team-leads");
        await Expect(byGroup.Locator("rect.median")).ToHaveCountAsync(1);
        await Expect(byGroup.Locator("rect.p90")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("ops-latency-tier").Locator("g.latency")).ToHaveAttributeAsync("data-key", "tier 1");

        // Last 24 h: one escalation in the current hour, no expiry, one completion (the approved request's dry run).
        var hourly = page.GetByTestId("ops-hourly");
        await Expect(hourly.Locator("figure[data-series=escalations]")).ToHaveAttributeAsync("data-total", "1");
        await Expect(hourly.Locator("figure[data-series=escalations] rect.bar")).ToHaveCountAsync(1);
        await Expect(hourly.Locator("figure[data-series=expiries] rect.bar")).ToHaveCountAsync(0);
        await Expect(hourly.Locator("figure[data-series=completed]")).ToHaveAttributeAsync("data-total", "1");
        await Expect(page.GetByTestId("ops-oldest").Locator("tbody tr")).ToHaveCountAsync(4);
        await Expect(page.GetByTestId("ops-halt")).ToHaveTextAsync("not halted — no kill switch configured");
        await Screenshots.SaveAsync(page, "operations-dashboard");

        // Submitted while the dashboard is open: the charts catch up without a reload (a mark left on the page survives).
        await page.EvaluateAsync("() => { window.aoMark = 'still here'; }");
        await host.SubmitAsync("Wire money to the landlord.");
        await Expect(pending.Locator("h2")).ToHaveTextAsync("Pending approvals by risk and age (5 open)");
        await Expect(page.GetByTestId("ops-pending").Locator("rect.bar[data-risk=red]")).ToHaveAttributeAsync("data-count", "2");
        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.aoMark"));
        await Screenshots.SaveAsync(page, "operations-dashboard-updated");
    }

    private static Func<JsonElement, bool> HasOpenTaskIn(string group) => r =>
        r.GetProperty("tasks").EnumerateArray().Any(t => t.GetProperty("status").GetString() == "open" && t.GetProperty("group").GetString() == group);
}
