using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Audit;

/// <summary>Erasing a finished request's content after its retention period keeps every proof valid and is itself audited.</summary>
public sealed class RetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Retention(string period) => new() { ["AuditLog:Retention:agent-action-approval"] = period };

    [Fact]
    public async Task Erasure_replaces_content_by_its_hash_and_every_proof_still_verifies()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: Retention("00:00:00"));
        var auditor = new AuditEvidence();
        var id = await AuditEvidence.CompletedRequestAsync(host);
        await auditor.PinKeyAsync(host);
        var before = await auditor.SaveRequestAsync(host, id);

        var erased = await host.Admin.PostAsJsonAsync($"/api/requests/{id}/erase", new { comment = "retention period over" }, Ct);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal(5, (await OrchestratorHost.ReadAsync(erased)).GetProperty("erasedEvents").GetInt32());

        await using (var connection = host.Database.Open())
        {
            var data = (await connection.QueryAsync<string>("SELECT data FROM audit_events WHERE instance_id = @id", new { id = id.ToString() })).ToList();
            // The state as stored may be compressed (SQLite): read back as its JSON text.
            data.Add(Runtime.Engine.InstanceState.Text((await connection.ExecuteScalarAsync<object>("SELECT state FROM instances WHERE id = @id", new { id = id.ToString() }))!));
            Assert.Contains("[erased]", data[^1], StringComparison.Ordinal);
            Assert.DoesNotContain(data, d => d.Contains("AI governance", StringComparison.Ordinal));
        }

        Assert.Equal("[erased]", (await host.GetRequestAsync(id)).GetProperty("text").GetString());
        var after = await auditor.SaveRequestAsync(host, id, since: AuditEvidence.TreeSize(before));
        AuditEvidence.AssertVerified(await auditor.VerifyAsync(after));
        AuditEvidence.AssertVerified(await auditor.VerifyAsync(after, previous: before)); // same entries at the same leaves
        var events = EvidenceBundle.Parse(await File.ReadAllTextAsync(after, Ct)).Events;
        Assert.All(events.Take(5), e => Assert.True(e.Data is null && e.Erased is not null));
        Assert.Equal("content-erased", JsonDocument.Parse(events[^1].Entry!).RootElement.GetProperty("kind").GetString());
        Assert.Equal("ada-admin", JsonDocument.Parse(events[^1].Entry!).RootElement.GetProperty("actor").GetString());
        Assert.True((await OrchestratorHost.ReadAsync(await host.Client.GetAsync("/api/audit/verify", Ct))).GetProperty("intact").GetBoolean());

        var again = await host.Admin.PostAsync($"/api/requests/{id}/erase", null, Ct);
        Assert.Equal(0, (await OrchestratorHost.ReadAsync(again)).GetProperty("erasedEvents").GetInt32());
    }

    [Fact]
    public async Task Erasure_is_refused_for_non_admins_unknown_or_unfinished_requests_and_before_the_period_ends()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: Retention("1.00:00:00"));
        var done = await AuditEvidence.CompletedRequestAsync(host);
        var waiting = await host.SubmitOkAsync("Send the invoice to the vendor.", requester: "tina");
        await host.OpenTaskIdAsync(waiting);

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.PostAsync($"/api/requests/{done}/erase", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin.PostAsync($"/api/requests/{Guid.NewGuid()}/erase", null, Ct)).StatusCode);
        var unfinished = await host.Admin.PostAsync($"/api/requests/{waiting}/erase", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, unfinished.StatusCode);
        Assert.Contains("only a finished request", await unfinished.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var early = await host.Admin.PostAsync($"/api/requests/{done}/erase", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("retention period runs until", await early.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("AI governance", (await host.GetRequestAsync(done)).GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_definition_without_a_retention_period_keeps_its_content()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var done = await AuditEvidence.CompletedRequestAsync(host);
        var refused = await host.Admin.PostAsync($"/api/requests/{done}/erase", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("no retention period", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
