using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on the audit trail by someone who can write the database file (and, where said, read the signing key),
/// against an auditor who pinned the public key and kept earlier bundles and checkpoints. Each attack must be named by
/// <c>aoctl audit verify</c> or <c>aoctl audit monitor</c> (exit 2), or refused by the server before it signs.
/// </summary>
public sealed class AuditTrailTamperTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Scene(OrchestratorHost Host, AuditEvidence Auditor, Guid Request, string Bundle);

    /// <summary>A completed request, the pinned key, a kept bundle for it and a monitor that has seen its checkpoint.</summary>
    private static async Task<Scene> SceneAsync(OrchestratorHost host)
    {
        var auditor = new AuditEvidence();
        var id = await AuditEvidence.CompletedRequestAsync(host);
        await auditor.PinKeyAsync(host);
        var bundle = await auditor.SaveRequestAsync(host, id);
        AuditEvidence.AssertVerified(await auditor.VerifyAsync(bundle));
        AuditEvidence.AssertVerified(await auditor.MonitorOnceAsync(host));
        return new Scene(host, auditor, id, bundle);
    }

    [Fact]
    public async Task Changing_one_byte_of_an_events_data_in_the_database_fails_its_inclusion_proof()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        await AlterOneCharacterAsync(host, s.Request, 2, "data");

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(await s.Auditor.SaveRequestAsync(host, s.Request)), $"event seq 2 of request {s.Request}");
        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(await s.Auditor.SaveRequestAsync(host, s.Request)), "inclusion proof failure");
    }

    [Fact]
    public async Task Rewriting_who_acted_on_an_event_in_the_database_fails_its_inclusion_proof()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        await AuditEvidence.TamperAsync(host, "UPDATE audit_events SET actor = 'someone-else' WHERE instance_id = @id AND seq = 1", new { id = s.Request.ToString() });

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(await s.Auditor.SaveRequestAsync(host, s.Request)), "event seq 1");
    }

    [Fact]
    public async Task Rewriting_an_event_and_its_chain_hashes_consistently_still_fails_its_inclusion_proof()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        // The per-request chain alone is forgeable by whoever can write the file: recompute every hash after the edit.
        await AuditEvidence.TamperAsync(host, "UPDATE audit_events SET actor = 'someone-else' WHERE instance_id = @id AND seq = 1", new { id = s.Request.ToString() });
        await RechainAsync(host, s.Request);
        var intact = await OrchestratorHost.ReadAsync(await host.Client.GetAsync("/api/audit/verify", Ct));
        Assert.True(intact.GetProperty("intact").GetBoolean(), "the forged chain should look intact to the chain check");

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(await s.Auditor.SaveRequestAsync(host, s.Request)), "inclusion proof failure");
    }

    [Fact]
    public async Task Deleting_a_requests_last_event_row_is_reported_as_a_missing_event()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        await AuditEvidence.TamperAsync(host, "DELETE FROM audit_events WHERE instance_id = @id AND seq = 5", new { id = s.Request.ToString() });

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(await s.Auditor.SaveRequestAsync(host, s.Request)), "missing event");
    }

    [Fact]
    public async Task Deleting_a_requests_last_event_and_rebuilding_the_log_is_caught_against_the_bundle_the_auditor_kept()
    {
        var path = OrchestratorHost.NewDatabasePath();
        Scene s;
        await using (var before = await OrchestratorHost.StartAsync(path))
        {
            s = await SceneAsync(before);
            await AuditEvidence.TamperAsync(before, "DELETE FROM audit_events WHERE instance_id = @id AND seq = 5", new { id = s.Request.ToString() });
            await DeleteRequestAndLogAsync(before, Guid.Empty);
        }

        // The next start rebuilds a self-consistent log without the event and signs it with the same key.
        await using var host = await OrchestratorHost.StartAsync(path);
        await AuditEvidence.CompletedRequestAsync(host);
        var now = await s.Auditor.SaveRequestAsync(host, s.Request, since: AuditEvidence.TreeSize(s.Bundle));
        AuditEvidence.AssertVerified(await s.Auditor.VerifyAsync(now)); // seq 1-4 alone look complete ...
        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(now, previous: s.Bundle), $"event seq 5 of request {s.Request}"); // ... not against the kept bundle
        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(now, previous: s.Bundle), "is missing now: it was deleted");
        AuditEvidence.AssertRefused(await s.Auditor.MonitorOnceAsync(host), "history was rewritten");
    }

    [Fact]
    public async Task Deleting_a_leaf_from_the_middle_of_the_log_makes_the_server_refuse_evidence_it_cannot_prove()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        await AuditEvidence.CompletedRequestAsync(host, requester: "bob");
        await AuditEvidence.TamperAsync(host,
            "DELETE FROM log_leaves WHERE source = 'request-event' AND source_id = (SELECT CAST(id AS TEXT) FROM audit_events WHERE instance_id = @id AND seq = 5); " +
            "DELETE FROM audit_events WHERE instance_id = @id AND seq = 5",
            new { id = s.Request.ToString() });

        var refused = await host.Client.GetAsync($"/api/requests/{s.Request}/evidence", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("were deleted", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reordering_two_events_of_a_request_fails_their_inclusion_proofs()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        await AuditEvidence.TamperAsync(host,
            "UPDATE audit_events SET seq = 1000 WHERE instance_id = @id AND seq = 2; UPDATE audit_events SET seq = 2 WHERE instance_id = @id AND seq = 3; " +
            "UPDATE audit_events SET seq = 3 WHERE instance_id = @id AND seq = 1000",
            new { id = s.Request.ToString() });

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(await s.Auditor.SaveRequestAsync(host, s.Request)), "inclusion proof failure");
    }

    [Fact]
    public async Task Deleting_a_whole_request_and_rebuilding_the_log_with_the_stolen_key_is_caught_by_the_monitor_and_the_kept_bundle()
    {
        var path = OrchestratorHost.NewDatabasePath();
        Scene s;
        Guid other;
        string otherBundle;
        await using (var before = await OrchestratorHost.StartAsync(path))
        {
            s = await SceneAsync(before);
            other = await AuditEvidence.CompletedRequestAsync(before, requester: "bob");
            otherBundle = await s.Auditor.SaveRequestAsync(before, other);
            AuditEvidence.AssertVerified(await s.Auditor.MonitorOnceAsync(before));
            await DeleteRequestAndLogAsync(before, s.Request);
        }

        // On restart the server rebuilds a self-consistent log from what is left and signs it with the same key.
        await using var host = await OrchestratorHost.StartAsync(path);
        await AuditEvidence.CompletedRequestAsync(host);
        await AuditEvidence.CompletedRequestAsync(host);

        AuditEvidence.AssertRefused(await s.Auditor.MonitorOnceAsync(host), "is not consistent with the one of size");
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/requests/{s.Request}/evidence", Ct)).StatusCode);
        var now = await s.Auditor.SaveRequestAsync(host, other, since: AuditEvidence.TreeSize(otherBundle));
        AuditEvidence.AssertVerified(await s.Auditor.VerifyAsync(now)); // alone it looks fine ...
        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(now, previous: otherBundle), "history was rewritten"); // ... not against what the auditor kept
    }

    [Fact]
    public async Task Truncating_the_log_and_its_checkpoints_is_caught_by_the_monitor_as_shrinking()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        var keep = AuditEvidence.TreeSize(s.Bundle) - 3;
        await TruncateAsync(host, keep, checkpointsToo: true);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostAsync("/api/audit/log/checkpoint", null, Ct)).StatusCode);

        AuditEvidence.AssertRefused(await s.Auditor.MonitorOnceAsync(host), $"the log shrank from {keep + 3} to {keep} entries");
    }

    [Fact]
    public async Task Truncating_only_the_log_makes_the_server_refuse_to_sign_and_report_unready()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        await TruncateAsync(host, AuditEvidence.TreeSize(s.Bundle) - 2, checkpointsToo: false);

        var refused = await host.Admin.PostAsync("/api/audit/log/checkpoint", null, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("entries were removed", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var ready = await OrchestratorHost.ReadAsync(await host.Anonymous.GetAsync("/health/ready", Ct));
        Assert.Equal("unhealthy", ready.GetProperty("checks").GetProperty("audit-log").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.GetAsync($"/api/requests/{s.Request}/evidence?since=1", Ct)).StatusCode);
    }

    [Fact]
    public async Task Replacing_the_log_and_its_key_wholesale_is_refused_as_the_wrong_key()
    {
        var path = OrchestratorHost.NewDatabasePath();
        Scene s;
        await using (var before = await OrchestratorHost.StartAsync(path))
        {
            s = await SceneAsync(before);
            await DeleteRequestAndLogAsync(before, Guid.Empty);
        }

        File.Delete(Path.Combine(Path.GetDirectoryName(path)!, "audit-log.key"));
        await using var host = await OrchestratorHost.StartAsync(path);

        AuditEvidence.AssertRefused(await s.Auditor.MonitorOnceAsync(host), "wrong key");
        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(await s.Auditor.SaveRequestAsync(host, s.Request)), "wrong key");
    }

    [Fact]
    public async Task Rewriting_history_under_a_witness_file_is_refused_at_start_up_and_readiness_says_why()
    {
        var path = OrchestratorHost.NewDatabasePath();
        var witness = Path.Combine(new AuditEvidence().Folder, "witness.checkpoints");
        var settings = new Dictionary<string, string?> { ["AuditLog:WitnessFile"] = witness };
        await using (var before = await OrchestratorHost.StartAsync(path, settings))
        {
            var s = await SceneAsync(before);
            Assert.Contains("\u2014 approval-orchestrator/audit-log ", await File.ReadAllTextAsync(witness, Ct), StringComparison.Ordinal);
            await DeleteRequestAndLogAsync(before, s.Request);
        }

        await using var host = await OrchestratorHost.StartAsync(path, settings);
        var until = DateTime.UtcNow.AddSeconds(20);
        JsonElement check;
        do
        {
            Assert.True(DateTime.UtcNow < until, "readiness never reported the rewritten log");
            await Task.Delay(50, Ct);
            check = (await OrchestratorHost.ReadAsync(await host.Anonymous.GetAsync("/health/ready", Ct))).GetProperty("checks").GetProperty("audit-log");
        }
        while (check.GetProperty("status").GetString() != "unhealthy");

        Assert.Contains(witness, check.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Admin.PostAsync("/api/audit/log/checkpoint", null, Ct)).StatusCode);
    }

    [Fact]
    public async Task Changing_the_data_inside_a_kept_bundle_is_reported_as_altered_content()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        var forged = EditBundle(s, b =>
        {
            var data = b["events"]![1]!["data"]!.GetValue<string>();
            b["events"]![1]!["data"] = data.Replace("policy", "polity", StringComparison.Ordinal) is var d && d != data ? d : data + " ";
        });

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(forged), "event content altered");
    }

    [Fact]
    public async Task Changing_an_entry_inside_a_kept_bundle_fails_its_inclusion_proof()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        var forged = EditBundle(s, b => b["events"]![0]!["entry"] = b["events"]![0]!["entry"]!.GetValue<string>().Replace("\"actor\":\"alice\"", "\"actor\":\"mallory\"", StringComparison.Ordinal));

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(forged), "event seq 1");
        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(forged), "inclusion proof failure");
    }

    [Fact]
    public async Task Editing_the_checkpoint_of_a_kept_bundle_is_a_bad_signature()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        var size = AuditEvidence.TreeSize(s.Bundle);
        var forged = EditBundle(s, b => b["checkpoint"] = b["checkpoint"]!.GetValue<string>().Replace($"\n{size}\n", $"\n{size + 1}\n", StringComparison.Ordinal));

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(forged), "bad signature");
    }

    [Fact]
    public async Task A_bundle_checked_against_another_key_is_refused_as_the_wrong_key()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        using var stranger = NoteKeys.GenerateSigner("approval-orchestrator/audit-log", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(s.Bundle, key: stranger.Verifier.VerifierKey), "wrong key");
    }

    [Fact]
    public async Task Dropping_an_event_from_a_kept_bundle_is_a_sequence_gap()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        var forged = EditBundle(s, b => b["events"]!.AsArray().RemoveAt(2));

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(forged), "sequence gap: seq 3 is missing");
    }

    [Fact]
    public async Task Swapping_two_events_positions_in_a_kept_bundle_fails_their_inclusion_proofs()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        var forged = EditBundle(s, b =>
        {
            var events = b["events"]!.AsArray();
            var (a, c) = (events[1]!["leafIndex"]!.GetValue<long>(), events[2]!["leafIndex"]!.GetValue<long>());
            events[1]!["leafIndex"] = c;
            events[2]!["leafIndex"] = a;
        });

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(forged), "inclusion proof failure");
    }

    [Fact]
    public async Task Passing_off_another_requests_event_in_a_bundle_is_refused()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var s = await SceneAsync(host);
        var other = await AuditEvidence.CompletedRequestAsync(host, requester: "bob");
        var otherBundle = JsonNode.Parse(await File.ReadAllTextAsync(await s.Auditor.SaveRequestAsync(host, other), Ct))!;
        var forged = await s.Auditor.SaveRequestAsync(host, s.Request);
        var node = JsonNode.Parse(await File.ReadAllTextAsync(forged, Ct))!;
        node["checkpoint"] = otherBundle["checkpoint"]!.GetValue<string>();
        node["events"]!.AsArray().Add(otherBundle["events"]![0]!.DeepClone());
        await File.WriteAllTextAsync(forged, node.ToJsonString(), Ct);

        AuditEvidence.AssertRefused(await s.Auditor.VerifyAsync(forged), $"belongs to another request than {s.Request}");
    }

    private static string EditBundle(Scene s, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(s.Bundle))!;
        edit(node);
        var forged = Path.Combine(s.Auditor.Folder, "forged-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(forged, node.ToJsonString());
        return forged;
    }

    private static async Task AlterOneCharacterAsync(OrchestratorHost host, Guid id, int seq, string column)
    {
        await using var connection = host.Database.Open();
        var value = await connection.ExecuteScalarAsync<string>($"SELECT {column} FROM audit_events WHERE instance_id = @id AND seq = @seq", new { id = id.ToString(), seq });
        var at = value!.IndexOfAny(['a', 'e', 'i', 'o', 'u']);
        var altered = value[..at] + (char)(value[at] + 1) + value[(at + 1)..];
        await connection.ExecuteAsync($"UPDATE audit_events SET {column} = @altered WHERE instance_id = @id AND seq = @seq", new { altered, id = id.ToString(), seq });
    }

    /// <summary>Recomputes the request's hash chain over its (edited) rows, as a forger with write access would.</summary>
    private static async Task RechainAsync(OrchestratorHost host, Guid id)
    {
        await using var connection = host.Database.Open();
        var rows = (await connection.QueryAsync<(long Id, long Seq, string Kind, string Actor, string At, string DefinitionId, long DefinitionVersion, string DefinitionHash, string Data)>(
            "SELECT id, seq, kind, actor, at, definition_id, definition_version, definition_hash, data FROM audit_events WHERE instance_id = @id ORDER BY seq", new { id = id.ToString() })).ToList();
        var previous = Core.Audit.AuditChain.Genesis;
        foreach (var r in rows)
        {
            var hash = Core.Audit.AuditChain.ComputeHash(previous, id, (int)r.Seq, r.Kind, r.Actor, Timestamps.Parse(r.At), r.DefinitionId, (int)r.DefinitionVersion, r.DefinitionHash, r.Data);
            await connection.ExecuteAsync("UPDATE audit_events SET prev_hash = @previous, hash = @hash WHERE id = @Id", new { previous, hash, r.Id });
            previous = hash;
        }
    }

    /// <summary>Deletes one request entirely (none for <see cref="Guid.Empty"/>) and every trace of the log, so the next start rebuilds it.</summary>
    private static Task DeleteRequestAndLogAsync(OrchestratorHost host, Guid id) =>
        AuditEvidence.TamperAsync(host,
            "DELETE FROM approval_tasks WHERE instance_id = @id; DELETE FROM timers WHERE instance_id = @id; DELETE FROM audit_events WHERE instance_id = @id; " +
            "DELETE FROM instances WHERE id = @id; DELETE FROM log_leaves; DELETE FROM log_nodes; DELETE FROM log_checkpoints; DELETE FROM log_keys;",
            new { id = id.ToString() });

    /// <summary>Cuts the log back to its first <paramref name="keep"/> leaves (and the nodes over the cut).</summary>
    private static Task TruncateAsync(OrchestratorHost host, long keep, bool checkpointsToo) =>
        AuditEvidence.TamperAsync(host,
            "DELETE FROM log_leaves WHERE idx >= @keep; DELETE FROM log_nodes WHERE ((idx + 1) << CAST(level AS integer)) > @keep;" +
            (checkpointsToo ? " DELETE FROM log_checkpoints WHERE size > @keep;" : string.Empty),
            new { keep });
}
