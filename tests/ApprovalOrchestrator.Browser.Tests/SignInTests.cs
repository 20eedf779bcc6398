using ApprovalOrchestrator.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApprovalOrchestrator.Browser.Tests;

public sealed class SignInTests
{
    [Fact]
    public async Task A_person_signs_in_with_a_token_and_signs_out()
    {
        await using var host = await ConsoleHost.StartAsync();
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(host.Url("/inbox"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/sign-in\\?returnUrl=%2Finbox"));
        await page.GetByLabel("Token").FillAsync("not-a-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("signin-error")).ToContainTextAsync("malformed token");
        await Screenshots.SaveAsync(page, "sign-in-refused");

        await page.GetByLabel("Token").FillAsync(host.Token("tina", "approver", "team-leads"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(host.Url("/inbox"));
        await Expect(page.GetByTestId("whoami")).ToHaveTextAsync("tina");
        await Expect(page.GetByTestId("inbox-empty")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "sign-in-inbox-empty");

        // The session cookie is not readable from script.
        Assert.Equal(string.Empty, await page.EvaluateAsync<string>("document.cookie"));
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "ao.console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/sign-in"));
        await page.GotoAsync(host.Url("/inbox"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/sign-in"));
    }
}
