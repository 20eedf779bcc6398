using ApprovalOrchestrator.Browser.Tests.Support;
using ApprovalOrchestrator.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApprovalOrchestrator.Browser.Tests;

/// <summary>
/// Console sign-in through the real OpenID Connect provider (oidc-provider on loopback, started by scripts/test.sh):
/// authorization code with PKCE, the provider's own login page, back into a console session with the user's groups and
/// roles from the provider's claims.
/// </summary>
public sealed class OidcSignInTests
{
    [Fact]
    public async Task An_approver_signs_in_on_the_providers_login_page_and_reaches_the_inbox()
    {
        await using var host = await ConsoleHost.StartAsync(OidcProvider.ServerSettings());
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(host.Url("/inbox"));
        // Straight on to the provider's login page: the authorization request carries a PKCE challenge.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(OidcProvider.Url) + "/interaction/"));
        await page.Locator("input[name=login]").FillAsync("tina");
        await page.Locator("input[name=password]").FillAsync("any");
        await Screenshots.SaveAsync(page, "oidc-provider-login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        // The provider asks a loopback ("native") client's user to confirm, every time.
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(host.Url("/inbox"));
        await Expect(page.GetByTestId("whoami")).ToHaveTextAsync("tina");
        await Expect(page.GetByTestId("inbox-empty")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "oidc-sign-in-inbox");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "ao.console");
        Assert.True(cookie.HttpOnly);
    }

    [Fact]
    public async Task A_provider_account_without_a_console_role_gets_no_session_and_the_refusal_is_recorded()
    {
        await using var host = await ConsoleHost.StartAsync(OidcProvider.ServerSettings());
        await using var browser = await Chromium.LaunchAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(host.Url("/inbox"));
        await page.Locator("input[name=login]").FillAsync("nobody");
        await page.Locator("input[name=password]").FillAsync("any");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        await Expect(page.GetByTestId("signin-error")).ToContainTextAsync("no console role");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "ao.console");
        using var api = new HttpClient { BaseAddress = host.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await OidcProvider.TokenAsync("ao-api-admin", cancellationToken: TestContext.Current.CancellationToken));
        var log = await api.GetStringAsync("/api/audit/security?limit=50", TestContext.Current.CancellationToken);
        Assert.Contains("console sign-in: the provider's identity carries no console role", log, StringComparison.Ordinal);
    }
}
