using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Storage.Sqlite;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Integration.Tests.Crash;

/// <summary>kill -9 between events and their checkpoint: every event keeps its leaf, and the next checkpoint extends the last one.</summary>
[Trait("Storage", TestStorage.SqliteOnly)]
public sealed class AuditLogCrashTests
{
    [Fact]
    public async Task Kill_dash_nine_between_events_and_checkpoint_loses_neither_and_the_log_stays_consistent()
    {
        var ct = TestContext.Current.CancellationToken;
        var databasePath = OrchestratorHost.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        var logPath = Path.Combine(Path.GetDirectoryName(databasePath)!, "server.log");
        var port = ServerProcess.FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Approvals"] = $"Data Source={databasePath}",
            ["Workflows:Directory"] = OrchestratorHost.WorkflowsDirectory,
            ["AuditLog:CheckpointEvery"] = "7",
            ["AuditLog:CheckpointInterval"] = "00:00:01",
        };
        var auditor = new AuditEvidence();
        var accepted = new ConcurrentBag<Guid>();

        var server = await ServerProcess.StartAsync(port, settings, logPath);
        var tokens = LocalTokenIssuer.BesideDatabase(databasePath);
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue("agent-7", [], ["submitter", "auditor"]));
        await File.WriteAllTextAsync(auditor.KeyFile, await client.GetStringAsync("/.well-known/audit-log-key", ct), ct);
        var before = await client.GetStringAsync("/api/audit/log/checkpoint", ct);

        // Submit until well past a few checkpoints, then kill while submissions and classifications are still in flight.
        using var stop = new CancellationTokenSource();
        var submitting = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var response = await client.PostAsJsonAsync("/api/requests", new { requestId = $"crash-{i}", text = AuditEvidence.Document }, ct);
                    if (response.IsSuccessStatusCode)
                    {
                        accepted.Add((await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("id").GetGuid());
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the server is gone
                }
            }
        }, ct);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (accepted.Count < 25)
        {
            Assert.True(DateTime.UtcNow < until, $"only {accepted.Count} submits accepted in time");
            await Task.Delay(20, ct);
        }

        await server.KillAsync();
        await stop.CancelAsync();
        await submitting;

        await using (var last = await ServerProcess.StartAsync(port, settings, logPath))
        {
            using var again = new HttpClient { BaseAddress = last.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            again.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue("auditor-1", [], ["auditor"]));
            var trusted = EvidenceVerifier.ParseKeys(await File.ReadAllTextAsync(auditor.KeyFile, ct));
            foreach (var id in accepted)
            {
                var bundle = EvidenceBundle.Parse(await again.GetStringAsync($"/api/requests/{id}/evidence", ct));
                var verdict = EvidenceVerifier.Verify(bundle, trusted);
                Assert.True(verdict.Ok, $"request {id}: {verdict.Error}");
            }

            var latest = Checkpoint.Open(await again.GetStringAsync("/api/audit/log/checkpoint", ct), trusted).Checkpoint!;
            var first = Checkpoint.Open(before, trusted).Checkpoint!;
            var proof = await again.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/audit/log/proof/consistency?from={first.Size}&to={latest.Size}", ct);
            Assert.Null(LogConsistency.Check(first, latest, proof.GetProperty("proof").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList()));
        }

        // Neither lost: every committed event has its leaf, and every leaf its event.
        var database = new SqliteDatabase(Options.Create(new StorageOptions { ConnectionString = $"Data Source={databasePath}" }));
        await using var connection = database.Open();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM log_leaves l WHERE l.source = 'request-event' AND l.source_id = CAST(e.id AS TEXT))"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM log_leaves l WHERE l.source = 'request-event' AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE CAST(e.id AS TEXT) = l.source_id)"));
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM log_checkpoints") >= 2);
    }
}
