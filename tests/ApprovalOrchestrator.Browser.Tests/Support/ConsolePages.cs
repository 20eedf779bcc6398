using Microsoft.Playwright;

namespace ApprovalOrchestrator.Browser.Tests.Support;

/// <summary>Steps a person takes in the console, shared by the tests.</summary>
public static class ConsolePages
{
    /// <summary>Opens <paramref name="path"/> (sent to the sign-in page), pastes the token and signs in.</summary>
    public static async Task SignInAsync(IPage page, ConsoleHost host, string token, string path = "/")
    {
        await page.GotoAsync(host.Url(path));
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/sign-in"));
        await page.GetByLabel("Token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("whoami")).ToBeVisibleAsync();
    }
}
