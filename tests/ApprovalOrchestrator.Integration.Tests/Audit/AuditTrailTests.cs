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
    public async Task The_sheet_export_has_one_flat_row_per_event_with_the_requests_context_and_no_formulas()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync("Send the invoice to the vendor.", requester: "@mallory");
        var taskId = await host.OpenTaskIdAsync(id);
        var (decided, body) = await host.DecideAsync(taskId, "tom", "team-leads", "reject", comment: "=cmd|' /C calc'!A0 wrong vendor");
        Assert.True(decided.IsSuccessStatusCode, body.ToString());
        await host.WaitForStatusAsync(id, "rejected");

        var sheet = await host.Client.GetStringAsync($"/api/audit?format=sheet&requestId={id}", TestContext.Current.CancellationToken);
        var rows = sheet.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.TrimEnd('\r')).ToList();
        Assert.Equal("time,request,requester,agent,tool,kind,actor,on_behalf_of,risk,decision,comment,status,definition_version", rows[0]);
        var decision = Assert.Single(rows.Skip(1), r => r.Contains(",decision,", StringComparison.Ordinal));
        Assert.Contains(",'@mallory,", decision, StringComparison.Ordinal);
        Assert.Contains(",tom,", decision, StringComparison.Ordinal);
        Assert.Contains("'=cmd", decision, StringComparison.Ordinal);
        Assert.Contains(",rejected,", decision, StringComparison.Ordinal);
        Assert.DoesNotContain(",=", sheet, StringComparison.Ordinal);
        Assert.DoesNotContain("{", sheet, StringComparison.Ordinal); // no JSON cell
        var jsonl = await host.Client.GetStringAsync($"/api/audit?format=jsonl&requestId={id}", TestContext.Current.CancellationToken);
        Assert.Equal(jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, rows.Count - 1);
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

        await using (var connection = host.Database.Open())
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
