using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Support;

/// <summary>
/// What an auditor keeps, as files in a folder of their own: the log's public key (fetched once, pinned), evidence
/// bundles and checkpoints; and aoctl's audit verbs run on them as a child process.
/// </summary>
internal sealed class AuditEvidence
{
    public const string Document = "Summarize our AI governance policy for internal use.";

    private int _count;

    public AuditEvidence() => Folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ao-tests", "auditor-" + Guid.NewGuid().ToString("N"))).FullName;

    public string Folder { get; }

    public string KeyFile => Path.Combine(Folder, "audit-log.pub");

    public string StateFile => Path.Combine(Folder, "monitor.checkpoint");

    /// <summary>Pins the server's current public key(s) (anonymous GET /.well-known/audit-log-key).</summary>
    public async Task<string> PinKeyAsync(OrchestratorHost host)
    {
        var keys = await host.Anonymous.GetStringAsync("/.well-known/audit-log-key", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(KeyFile, keys, TestContext.Current.CancellationToken);
        return KeyFile;
    }

    /// <summary>Saves the evidence answered at <paramref name="path"/> to a new file and returns its path.</summary>
    public async Task<string> SaveAsync(OrchestratorHost host, string path)
    {
        var response = await host.Client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        var file = Path.Combine(Folder, $"bundle-{Interlocked.Increment(ref _count)}.json");
        await File.WriteAllTextAsync(file, body, TestContext.Current.CancellationToken);
        return file;
    }

    public Task<string> SaveRequestAsync(OrchestratorHost host, Guid id, long? since = null) =>
        SaveAsync(host, $"/api/requests/{id}/evidence" + (since is { } s ? $"?since={s}" : string.Empty));

    public Task<AoctlResult> VerifyAsync(string bundle, string? previous = null, string? key = null) =>
        Aoctl.RunAsync(Folder, previous is null
            ? ["audit", "verify", bundle, "--key", key ?? KeyFile]
            : ["audit", "verify", bundle, "--key", key ?? KeyFile, "--previous", previous]);

    public Task<AoctlResult> MonitorOnceAsync(OrchestratorHost host) =>
        Aoctl.RunAsync(Folder, "audit", "monitor", "--once", "--key", KeyFile, "--state", StateFile, "--server", host.Client.BaseAddress!.ToString(),
            "--token", host.Tokens.Issue("witness", [], ["auditor"]));

    /// <summary>The tree size of the checkpoint in a saved bundle.</summary>
    public static long TreeSize(string bundle) =>
        Core.Audit.Log.EvidenceBundle.Parse(File.ReadAllText(bundle)).Checkpoint.Split('\n')[1] is var line ? long.Parse(line, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>Runs SQL on the database file directly, as someone with access to the disk would.</summary>
    public static async Task TamperAsync(OrchestratorHost host, string sql, object? args = null)
    {
        await using var connection = host.Database.Open();
        await connection.ExecuteAsync(sql, args);
    }

    public static async Task<Guid> CompletedRequestAsync(OrchestratorHost host, string requester = "alice")
    {
        var id = await host.SubmitOkAsync(Document, requester: requester);
        await host.WaitForStatusAsync(id, "dry-run");
        return id;
    }

    public static void AssertVerified(AoctlResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    public static void AssertRefused(AoctlResult result, string expected)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }
}
