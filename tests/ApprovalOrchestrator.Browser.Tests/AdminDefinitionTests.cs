using ApprovalOrchestrator.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApprovalOrchestrator.Browser.Tests;

public sealed class AdminDefinitionTests
{
    [Fact]
    public async Task An_admin_fixes_a_draft_at_the_line_shown_checks_diff_and_what_if_publishes_and_the_next_request_uses_it()
    {
        await using var host = await ConsoleHost.StartAsync();
        var before = await host.SubmitAsync("Publish the newsletter for the team.");
        await host.WaitForRequestAsync(before, r => r.GetProperty("status").GetString() == "dry-run");

        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page, host, host.Token("ada", "admin"), "/definitions");
        await page.GetByRole(AriaRole.Link, new() { Name = "New draft from v1" }).ClickAsync();
        var editor = page.GetByLabel("Definition (YAML)");
        var source = await editor.InputValueAsync();
        Assert.Contains("timeout: PT8H }", source, StringComparison.Ordinal);

        // An error: shown with the line it is on, and that line marked in the gutter.
        var broken = source.Replace("timeout: PT8H }", "timeout: eight hours }", StringComparison.Ordinal);
        var badLine = broken.Split('\n').Select((l, i) => (l, i)).Single(x => x.l.Contains("eight hours", StringComparison.Ordinal)).i + 1;
        await editor.FillAsync(broken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        var error = page.GetByTestId("error");
        await Expect(error).ToHaveCountAsync(1);
        await Expect(error).ToHaveAttributeAsync("data-line", badLine.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(error).ToContainTextAsync($"Line {badLine}");
        await Expect(error).ToContainTextAsync("routes.amber.tiers[1].timeout");
        await Expect(page.Locator(".gutter .bad")).ToHaveTextAsync(badLine.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Screenshots.SaveAsync(page, "admin-draft-error");

        // Fixed, and "newsletter" made amber: the diff names the rule, the what-if finds the request recorded earlier.
        var fixedSource = source.Replace("        - change\n", "        - change\n        - newsletter\n", StringComparison.Ordinal);
        Assert.NotEqual(source, fixedSource);
        await editor.FillAsync(fixedSource);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.GetByTestId("valid")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("amber-moderate-impact");
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("newsletter");
        await Expect(page.GetByTestId("what-if-summary")).ToContainTextAsync("Of the last 1 recorded requests, 1 would change risk");
        await Expect(page.GetByTestId("what-if-change").First).ToContainTextAsync("risk green → amber");
        await Expect(page.GetByTestId("diagram").Locator("svg")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-draft-diff-what-if");

        // Publishing needs a comment.
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("needs a comment");
        await page.GetByLabel("Comment (required)").FillAsync("Newsletters go out to people: amber.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(host.Url("/definitions/agent-action-approval/2"));
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("Published agent-action-approval v2");
        await Screenshots.SaveAsync(page, "admin-published-diagram");

        // The next request runs on v2, and is amber now.
        var after = await host.SubmitAsync("Publish the newsletter for the team.");
        var request = await host.WaitForRequestAsync(after, r => r.GetProperty("status").GetString() == "awaiting-approval");
        Assert.Equal(2, request.GetProperty("workflow").GetProperty("version").GetInt32());
        await page.GotoAsync(host.Url($"/requests/{after}"));
        await Expect(page.GetByTestId("definition-version")).ToContainTextAsync("agent-action-approval v2");

        await page.GotoAsync(host.Url("/definitions"));
        await Expect(page.GetByTestId("version-row").First).ToContainTextAsync("Newsletters go out to people: amber.");

        // Revert to v1: published again as v3.
        await page.GotoAsync(host.Url("/definitions/agent-action-approval/1"));
        await page.GetByLabel("Comment").FillAsync("Back to the shipped policy.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revert to v1" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(host.Url("/definitions/agent-action-approval/3"));
        await Expect(page.GetByTestId("flash")).ToContainTextAsync("v3 is a copy of v1");
    }
}
