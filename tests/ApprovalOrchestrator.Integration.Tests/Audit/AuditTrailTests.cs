using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Audit;

/// <summary>The audit trail: exported as JSONL and CSV (formula-safe), hash-chained, and tampering is detected.</summary>
public sealed class AuditTrailTests
{
    [Fact]
    public async Task Export_is_jsonl_or_csv_and_csv_cells_cannot_become_formulas()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("=HYPERLINK(\"http://evil\") summarize the policy", requester: "@mallory");
        await host.WaitForStatusAsync(id, "dry-run");

        var jsonl = await host.Client.GetStringAsync($"/api/audit?format=jsonl&requestId={id}", TestContext.Current.CancellationToken);
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => System.Text.Json.JsonDocument.Parse(l));

        var csv = await host.Client.GetStringAsync($"/api/audit?format=csv&requestId={id}", TestContext.Current.CancellationToken);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("request_id,seq,kind,actor", rows[0]);
        Assert.Equal(6, rows.Length);
        Assert.Contains(",'@mallory,", rows[1]);
        Assert.DoesNotContain(",@mallory,", csv);
    }

    [Fact]
    public async Task The_hash_chain_verifies_and_an_edited_event_is_detected()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        await host.WaitForStatusAsync(id, "dry-run");

        var intact = await OrchestratorHost.ReadAsync(await host.Client.GetAsync("/api/audit/verify", TestContext.Current.CancellationToken));
        Assert.True(intact.GetProperty("intact").GetBoolean());
        Assert.Equal(5, intact.GetProperty("events").GetInt32());

        await using (var connection = host.Services.GetRequiredService<SqliteDatabase>().Open())
        {
            await connection.ExecuteAsync("UPDATE audit_events SET actor = 'someone-else' WHERE instance_id = @id AND seq = 2", new { id = id.ToString() });
        }

        var broken = await OrchestratorHost.ReadAsync(await host.Client.GetAsync("/api/audit/verify", TestContext.Current.CancellationToken));
        Assert.False(broken.GetProperty("intact").GetBoolean());
        var first = Assert.Single(broken.GetProperty("broken").EnumerateArray());
        Assert.Equal(id, first.GetProperty("requestId").GetGuid());
        Assert.Equal(2, first.GetProperty("firstBadSeq").GetInt32());
    }
}
