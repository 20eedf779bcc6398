using ApprovalOrchestrator.LocalIdentity;

namespace ApprovalOrchestrator.Integration.Tests.Identity;

/// <summary>Key files on a folder several servers share are written once and never seen half-written.</summary>
public sealed class OwnerOnlyFileTests
{
    [Fact]
    public async Task Servers_creating_the_same_key_at_once_all_end_up_with_the_first_ones_complete_key()
    {
        var path = Path.Combine(Path.GetTempPath(), "ao-tests", Guid.NewGuid().ToString("N"), "signing.key");
        using var start = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            start.Wait(TestContext.Current.CancellationToken);
            var won = OwnerOnlyFile.CreateOnce(path, new string((char)('a' + i), 4096));
            return (won, text: File.ReadAllText(path));
        }, TestContext.Current.CancellationToken)).ToList();
        start.Set();
        var results = await Task.WhenAll(racers);

        Assert.Single(results, r => r.won);
        var stored = File.ReadAllText(path);
        Assert.Equal(4096, stored.Length);
        Assert.All(results, r => Assert.Equal(stored, r.text)); // nobody read an empty or partial file
        Assert.False(OperatingSystem.IsWindows(), "These tests run on Linux, where the key must be owner-only.");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left behind
    }

    [Fact]
    public void An_existing_key_is_never_replaced()
    {
        var path = Path.Combine(Path.GetTempPath(), "ao-tests", Guid.NewGuid().ToString("N"), "audit-log.key");
        Assert.True(OwnerOnlyFile.CreateOnce(path, "first"));
        Assert.False(OwnerOnlyFile.CreateOnce(path, "second"));
        Assert.Equal("first", File.ReadAllText(path));
    }
}
