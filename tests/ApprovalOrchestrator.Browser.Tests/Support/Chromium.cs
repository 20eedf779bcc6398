using Microsoft.Playwright;

namespace ApprovalOrchestrator.Browser.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser: <c>playwright install</c> cannot work here).
/// A missing Chromium fails the test with what to do, rather than skipping it.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string DefaultChromium = "/usr/bin/chromium";

    private static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<Chromium> LaunchAsync()
    {
        var path = Environment.GetEnvironmentVariable("AO_CHROMIUM_PATH") is { Length: > 0 } p ? p : DefaultChromium;
        if (!File.Exists(path))
        {
            Assert.Fail($"Chromium is missing at {path}. Install Debian's chromium (apt-get install -y chromium; scripts/test.sh does this), or set AO_CHROMIUM_PATH.");
        }

        // Pages refresh themselves (inbox polling, in-flight requests) on a few-second rhythm: expectations wait longer than that.
        Assertions.SetDefaultExpectTimeout(15_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = path, Headless = true, Args = Args });
        return new Chromium(playwright, browser);
    }

    /// <summary>A fresh context (own cookies) and page; <paramref name="width"/> 390 for a phone.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
