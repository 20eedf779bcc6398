using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Storage.Sqlite;
using Dapper;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Bus.Tests.Support;

/// <summary>
/// Counts the completion events an integrator received, the way the contract says to read them: delivery is at least
/// once, and a redelivery carries the same MessageId (the outbox row id), so a consumer dedups by MessageId. A request
/// that completed twice would show up as two different MessageIds for one requestId.
/// </summary>
internal sealed record CompletionLedger(
    int Events,
    IReadOnlyDictionary<string, AgentRequestCompleted> ByRequestId,
    int SameMessageIdRedeliveries,
    IReadOnlyDictionary<string, int> RequestsWithSeveralMessageIds)
{
    public static readonly string[] FinalStatuses = ["executed", "dry-run", "rejected", "expired", "blocked", "failed", "needs-review"];

    public static CompletionLedger Of(IReadOnlyList<Integrator.Received> received)
    {
        var completions = received.Select(r => (r.MessageId, Message: (AgentRequestCompleted)r.Message)).ToList();
        var byRequest = completions.GroupBy(c => c.Message.RequestId).ToList();
        return new CompletionLedger(
            completions.Count,
            byRequest.ToDictionary(g => g.Key, g => g.First().Message),
            completions.Count - completions.Select(c => (c.Message.RequestId, c.MessageId)).Distinct().Count(),
            byRequest.Select(g => (g.Key, Ids: g.Select(c => c.MessageId).Distinct().Count())).Where(g => g.Ids > 1).ToDictionary(g => g.Key, g => g.Ids));
    }

    public override string ToString() =>
        $"{Events} completion events, {ByRequestId.Count} distinct requests, {SameMessageIdRedeliveries} same-MessageId redeliveries, " +
        $"{RequestsWithSeveralMessageIds.Count} requests completed under several MessageIds";

    /// <summary>A read-only look at a server's SQLite file (WAL: safe beside a running server).</summary>
    public static SqliteDatabase Database(string path) => new(Options.Create(new StorageOptions { ConnectionString = $"Data Source={path}" }));

    public static async Task<Dictionary<string, int>> StatusCountsAsync(SqliteDatabase database)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<(string Status, long Count)>("SELECT status, COUNT(*) FROM instances GROUP BY status"))
            .ToDictionary(r => r.Status, r => (int)r.Count);
    }

    public static async Task<int> UndispatchedOutboxRowsAsync(SqliteDatabase database)
    {
        await using var connection = database.Open();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL");
    }

    public static async Task<Dictionary<string, string>> StatusByRequestIdAsync(SqliteDatabase database)
    {
        await using var connection = database.Open();
        return (await connection.QueryAsync<(string RequestId, string Status)>("SELECT request_id, status FROM instances"))
            .ToDictionary(r => r.RequestId, r => r.Status);
    }

    public static string Describe(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"));
}
