using ApprovalOrchestrator.Browser.Tests.Support;
using ApprovalOrchestrator.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApprovalOrchestrator.Browser.Tests;

public sealed class ApproverTests
{
    [Fact]
    public async Task An_approver_sees_a_new_task_arrive_approves_it_and_the_request_is_executed()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await ConsoleHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:BaseUrl"] = gateway.BaseUrl,
            ["Gateway:Token"] = gateway.Token,
        });
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page, host, host.Token("tina", "approver", "team-leads"), "/inbox");
        await Expect(page.GetByTestId("inbox-empty")).ToBeVisibleAsync();

        // Submitted while the inbox is open: it appears without a reload.
        var id = await host.SubmitAsync("Draft an email to the customer about the delayed invoice.");
        var task = page.GetByTestId("task");
        await Expect(task).ToHaveCountAsync(1);
        await Expect(task).ToContainTextAsync("team-leads");
        await Expect(task.Locator(".badge")).ToHaveTextAsync("amber");
        await Screenshots.SaveAsync(page, "approver-inbox");

        await task.GetByRole(AriaRole.Link).ClickAsync();
        var text = page.GetByTestId("request-text");
        await Expect(text.Locator("mark")).ToHaveTextAsync(["email", "customer", "invoice"]);
        await Expect(page.GetByTestId("action-hash")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^sha256:[0-9a-f]{64}$"));
        await Screenshots.SaveAsync(page, "approver-task");

        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(host.Url($"/requests/{id}"));
        await Expect(page.GetByTestId("flash")).ToHaveTextAsync("You approved this request.");
        await Expect(page.GetByTestId("request-status")).ToHaveTextAsync("executed", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("timeline")).ToContainTextAsync("execution-finished");
        await Expect(page.GetByTestId("outcome")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "approver-request-executed");
    }

    [Fact]
    public async Task An_approver_rejects_with_a_comment()
    {
        await using var host = await ConsoleHost.StartAsync();
        var id = await host.SubmitAsync("Send the vendor contract to legal.");
        var taskId = (await host.WaitForRequestAsync(id, r => r.GetProperty("tasks").GetArrayLength() == 1)).GetProperty("tasks")[0].GetProperty("id").GetGuid();
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page, host, host.Token("tina", "approver", "team-leads"), $"/tasks/{taskId}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("say why");

        await page.GetByLabel("Comment").FillAsync("Legal already has it; do not resend.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(host.Url($"/requests/{id}"));
        await Expect(page.GetByTestId("request-status")).ToHaveTextAsync("rejected");
        await Expect(page.Locator(".decisions")).ToContainTextAsync("Legal already has it; do not resend.");
        await Screenshots.SaveAsync(page, "approver-rejected");

        // The task is closed now: going back offers no decision.
        await page.GotoAsync(host.Url($"/tasks/{taskId}"));
        await Expect(page.GetByTestId("task-status")).ToHaveTextAsync("rejected");
        await Expect(page.GetByTestId("decision-form")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_approver_is_refused_on_their_own_request()
    {
        await using var host = await ConsoleHost.StartAsync();
        var id = await host.SubmitAsync("Email the budget to the board.", requester: "tina");
        var taskId = (await host.WaitForRequestAsync(id, r => r.GetProperty("tasks").GetArrayLength() == 1)).GetProperty("tasks")[0].GetProperty("id").GetGuid();
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync(390, 844);
        await ConsolePages.SignInAsync(page, host, host.Token("tina", "approver,submitter", "team-leads"), "/inbox");

        // Not in her inbox, and refused on the task page itself.
        await Expect(page.GetByTestId("inbox-empty")).ToBeVisibleAsync();
        await page.GotoAsync(host.Url($"/tasks/{taskId}"));
        await Expect(page.GetByTestId("own-request")).ToContainTextAsync("You submitted this request");
        await Expect(page.GetByTestId("decision-form")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "approver-own-request-phone");
    }
}
