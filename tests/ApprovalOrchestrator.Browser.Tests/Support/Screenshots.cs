using Microsoft.Playwright;

namespace ApprovalOrchestrator.Browser.Tests.Support;

/// <summary>Saves full-page screenshots to <c>tests/ApprovalOrchestrator.Browser.Tests/artifacts/</c> (ignored by git; CI keeps them).</summary>
public static class Screenshots
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ApprovalOrchestrator.sln")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "tests", "ApprovalOrchestrator.Browser.Tests", "artifacts")).FullName;
            }
        }

        return Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
    });

    public static string PathFor(string name) => Path.Combine(Folder.Value, name + ".png");

    public static Task SaveAsync(IPage page, string name) => page.ScreenshotAsync(new PageScreenshotOptions { Path = PathFor(name), FullPage = true });
}
