using ApprovalOrchestrator.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApprovalOrchestrator.Browser.Tests;

public sealed class AuditorTests
{
    [Fact]
    public async Task An_auditor_searches_and_exports_the_audit_trail_of_the_results_as_csv()
    {
        await using var host = await ConsoleHost.StartAsync();
        var bobs = await host.SubmitAsync("Summarise the quarterly report.", requester: "bob");
        var alices = await host.SubmitAsync("Summarise the weekly report.", requester: "alice");
        await host.WaitForRequestAsync(bobs, r => r.GetProperty("status").GetString() == "dry-run");
        await host.WaitForRequestAsync(alices, r => r.GetProperty("status").GetString() == "dry-run");

        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync();
        await ConsolePages.SignInAsync(page, host, host.Token("audrey", "auditor"), "/audit");
        await Expect(page.GetByTestId("result-row")).ToHaveCountAsync(2);

        await page.GetByLabel("Requester").FillAsync("bob");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByTestId("result-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("result-row")).ToContainTextAsync("bob");
        await Screenshots.SaveAsync(page, "auditor-search");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        Assert.Equal("audit.csv", download.SuggestedFilename);
        var csv = await File.ReadAllLinesAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        Assert.Equal("request_id,seq,kind,actor,at,definition_id,definition_version,definition_hash,data,prev_hash,hash", csv[0]);
        var rows = csv.Skip(1).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.StartsWith(bobs.ToString(), r, StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains(",received,", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains(",completed,", StringComparison.Ordinal));

        // The request page follows it from intake to outcome.
        await page.GetByTestId("result-row").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("request-status")).ToHaveTextAsync("dry-run");
        await Expect(page.GetByTestId("outcome")).ToContainTextAsync("Bearer");
        await Screenshots.SaveAsync(page, "auditor-request-dry-run");
    }
}
