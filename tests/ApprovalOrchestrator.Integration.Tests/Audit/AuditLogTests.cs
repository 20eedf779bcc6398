using System.Net;
using System.Text.Json;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Server.Identity;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Audit;

/// <summary>The signed audit log: leaves with their events, checkpoints, proofs, evidence verified offline by aoctl.</summary>
public sealed class AuditLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_event_has_a_leaf_and_a_requests_evidence_verifies_offline()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var auditor = new AuditEvidence();
        var id = await AuditEvidence.CompletedRequestAsync(host);

        await using (var connection = host.Database.Open())
        {
            var events = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_events");
            var definitionEvents = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM definition_events");
            Assert.Equal(events + definitionEvents, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM log_leaves"));
            Assert.Equal(5, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM log_leaves WHERE instance_id = @id", new { id = id.ToString() }));
        }

        await auditor.PinKeyAsync(host);
        var bundle = await auditor.SaveRequestAsync(host, id);
        var result = await auditor.VerifyAsync(bundle);
        AuditEvidence.AssertVerified(result);
        Assert.Contains("verified: 5 event(s)", result.Stdout, StringComparison.Ordinal);

        var parsed = EvidenceBundle.Parse(await File.ReadAllTextAsync(bundle, Ct));
        Assert.Equal(id, parsed.Subject.RequestId);
        Assert.Equal([1, 2, 3, 4, 5], parsed.Events.Select(e => JsonDocument.Parse(e.Entry!).RootElement.GetProperty("seq").GetInt32()));
    }

    [Fact]
    public async Task The_public_key_is_anonymous_in_verifier_key_format_and_the_private_key_file_is_owner_only()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var response = await host.Anonymous.GetAsync("/.well-known/audit-log-key", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var key = NoteKeys.ParseVerifier(text.Split('\n')[0]);
        Assert.Equal("approval-orchestrator/audit-log", key.Name);

        var keyFile = Path.Combine(Path.GetDirectoryName(host.DatabasePath)!, "audit-log.key");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        Assert.StartsWith("PRIVATE+KEY+approval-orchestrator/audit-log+", await File.ReadAllTextAsync(keyFile, Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoints_are_signed_on_demand_by_admins_and_served_with_proofs_that_verify()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var verifier = NoteKeys.ParseVerifier((await host.Anonymous.GetStringAsync("/.well-known/audit-log-key", Ct)).Split('\n')[0]);
        var submitterOnly = host.ClientFor("sam", [], [Roles.Submitter]);
        Assert.Equal(HttpStatusCode.Forbidden, (await submitterOnly.PostAsync("/api/audit/log/checkpoint", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.PostAsync("/api/audit/log/checkpoint", null, Ct)).StatusCode); // auditor, not admin
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.GetAsync("/api/audit/log/checkpoint", Ct)).StatusCode);

        var first = Open(await (await host.Admin.PostAsync("/api/audit/log/checkpoint", null, Ct)).Content.ReadAsStringAsync(Ct), verifier);
        await AuditEvidence.CompletedRequestAsync(host);
        var second = Open(await (await host.Admin.PostAsync("/api/audit/log/checkpoint", null, Ct)).Content.ReadAsStringAsync(Ct), verifier);
        Assert.True(second.Size > first.Size);
        Assert.Equal(second.Size, Open(await host.Client.GetStringAsync("/api/audit/log/checkpoint", Ct), verifier).Size);
        Assert.Equal(first.Root, Open(await host.Client.GetStringAsync($"/api/audit/log/checkpoint/{first.Size}", Ct), verifier).Root);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/audit/log/checkpoint/{first.Size + 1}", Ct)).StatusCode);

        var consistency = await OrchestratorHost.ReadAsync(await host.Client.GetAsync($"/api/audit/log/proof/consistency?from={first.Size}&to={second.Size}", Ct));
        Assert.True(MerkleVerifier.VerifyConsistency(first.Size, second.Size, first.Root, second.Root, Hashes(consistency)));
        for (var index = 0L; index < second.Size; index++)
        {
            var inclusion = await OrchestratorHost.ReadAsync(await host.Client.GetAsync($"/api/audit/log/proof/inclusion?index={index}&size={second.Size}", Ct));
            Assert.True(MerkleVerifier.VerifyInclusion(index, second.Size, Convert.FromBase64String(inclusion.GetProperty("leafHash").GetString()!), Hashes(inclusion), second.Root));
        }

        var missing = await host.Client.GetAsync("/api/audit/log/proof/inclusion?size=3", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("index", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var beyond = await host.Client.GetAsync($"/api/audit/log/proof/consistency?from=1&to={second.Size + 100}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
    }

    [Fact]
    public async Task A_checkpoint_is_signed_by_itself_once_N_events_are_unsigned()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AuditLog:CheckpointEvery"] = "4",
            ["AuditLog:CheckpointInterval"] = "01:00:00",
        });
        await AuditEvidence.CompletedRequestAsync(host);
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var latest = await host.Services.GetRequiredService<Runtime.Audit.CheckpointService>().LatestAsync();
            if (latest is { Size: >= 4 })
            {
                break;
            }

            Assert.True(DateTime.UtcNow < until, $"no checkpoint signed by itself after 4 events (latest: {latest?.Size})");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task Each_new_checkpoint_is_posted_to_the_witness_url_as_the_signed_note()
    {
        await using var witness = await Testing.FakeGateway.StartAsync(cancellationToken: Ct);
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?> { ["AuditLog:WitnessUrl"] = witness.BaseUrl + "/witness" });
        await AuditEvidence.CompletedRequestAsync(host);
        var note = await (await host.Admin.PostAsync("/api/audit/log/checkpoint", null, Ct)).Content.ReadAsStringAsync(Ct);

        // The scheduler may sign (and post) a smaller checkpoint at the same moment: posts are not ordered, so wait for ours.
        var posted = await Testing.Poll.GetAsync(
            () => Task.FromResult(witness.RequestsTo("/witness").FirstOrDefault(r => r.RawBody == note)),
            "the witness to receive the checkpoint just signed", TimeSpan.FromSeconds(20), Ct);
        Assert.Equal("POST", posted.Method);
    }

    [Fact]
    public async Task Evidence_for_a_requester_covers_only_their_requests_and_verifies()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var auditor = new AuditEvidence();
        var bobs = await AuditEvidence.CompletedRequestAsync(host, requester: "bob");
        var carols = await AuditEvidence.CompletedRequestAsync(host, requester: "carol");
        await auditor.PinKeyAsync(host);

        var bundle = await auditor.SaveAsync(host, "/api/audit/evidence?requester=bob");
        AuditEvidence.AssertVerified(await auditor.VerifyAsync(bundle));
        var requests = EvidenceBundle.Parse(await File.ReadAllTextAsync(bundle, Ct)).Events
            .Select(e => JsonDocument.Parse(e.Entry!).RootElement.GetProperty("requestId").GetGuid()).Distinct().ToList();
        Assert.Equal([bobs], requests);
        Assert.DoesNotContain(carols, requests);

        var nobody = await host.Client.GetAsync("/api/audit/evidence?from=2020-01-01T00:00:00Z", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.Contains("agent", await nobody.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/requests/{Guid.NewGuid()}/evidence", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_database_made_before_the_log_is_backfilled_in_commit_order_on_first_start()
    {
        var path = OrchestratorHost.NewDatabasePath();
        Guid id;
        await using (var before = await OrchestratorHost.StartAsync(path))
        {
            id = await AuditEvidence.CompletedRequestAsync(before);
            // What today's code leaves: the same rows, no log.
            await AuditEvidence.TamperAsync(before, "DELETE FROM log_leaves; DELETE FROM log_nodes; DELETE FROM log_checkpoints; DELETE FROM log_keys;");
        }

        await using var host = await OrchestratorHost.StartAsync(path);
        await using (var connection = host.Database.Open())
        {
            var rows = await connection.ExecuteScalarAsync<long>("SELECT (SELECT COUNT(*) FROM audit_events) + (SELECT COUNT(*) FROM definition_events)");
            Assert.Equal(rows, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM log_leaves"));
            var order = (await connection.QueryAsync<long>(
                "SELECT CAST(source_id AS INTEGER) FROM log_leaves WHERE source = 'request-event' ORDER BY idx")).ToList();
            Assert.Equal(order.Order().ToList(), order);
        }

        var auditor = new AuditEvidence();
        await auditor.PinKeyAsync(host);
        AuditEvidence.AssertVerified(await auditor.VerifyAsync(await auditor.SaveRequestAsync(host, id)));
    }

    [Fact]
    public async Task Key_rotation_keeps_old_checkpoints_verifiable_and_the_log_consistent()
    {
        var path = OrchestratorHost.NewDatabasePath();
        var auditor = new AuditEvidence();
        string oldBundle;
        Guid id;
        await using (var before = await OrchestratorHost.StartAsync(path))
        {
            id = await AuditEvidence.CompletedRequestAsync(before);
            await auditor.PinKeyAsync(before);
            oldBundle = await auditor.SaveRequestAsync(before, id);
            AuditEvidence.AssertVerified(await auditor.MonitorOnceAsync(before));
        }

        var rotated = Path.Combine(Path.GetDirectoryName(path)!, "rotated", "audit-log.key");
        await using var host = await OrchestratorHost.StartAsync(path, new Dictionary<string, string?> { ["AuditLog:KeyFile"] = rotated });
        await AuditEvidence.CompletedRequestAsync(host);
        var keys = (await host.Anonymous.GetStringAsync("/.well-known/audit-log-key", Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, keys.Length);
        Assert.Contains((await File.ReadAllTextAsync(auditor.KeyFile, Ct)).Trim(), keys);

        await auditor.PinKeyAsync(host); // the auditor learns the new key (out of band in real life) and keeps the old
        var newBundle = await auditor.SaveRequestAsync(host, id, since: AuditEvidence.TreeSize(oldBundle));
        AuditEvidence.AssertVerified(await auditor.VerifyAsync(oldBundle));
        AuditEvidence.AssertVerified(await auditor.VerifyAsync(newBundle, previous: oldBundle));
        AuditEvidence.AssertVerified(await auditor.MonitorOnceAsync(host));
    }

    private static Checkpoint Open(string note, NoteVerifier verifier)
    {
        var (checkpoint, _, error) = Checkpoint.Open(note, [verifier]);
        Assert.True(checkpoint is not null, error);
        return checkpoint!;
    }

    private static List<byte[]> Hashes(JsonElement answer) =>
        answer.GetProperty("proof").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList();
}
