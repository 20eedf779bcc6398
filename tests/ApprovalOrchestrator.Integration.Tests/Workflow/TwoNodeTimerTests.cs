using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Testing.ScaleOut;
using Dapper;

namespace ApprovalOrchestrator.Integration.Tests.Workflow;

/// <summary>
/// Two server processes on one PostgreSQL database (in-process bus each: a timer's firing is consumed where it fires):
/// the timers armed on both fire once each, also those of a node killed while they were still pending.
/// </summary>
[Trait("Storage", TestStorage.Explicit)] // always PostgreSQL (its own scratch database): one run, in the first pass
public sealed class TwoNodeTimerTests(ITestOutputHelper output)
{
    private const int PerNode = 15;

    [Fact]
    public async Task Timers_armed_on_two_nodes_fire_once_each_even_when_one_node_is_killed_before_they_are_due()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = (await Cluster.CreateAsync("tt", brokerUrl: null, output.WriteLine, ct))
            .With(ClusterSettings.QuickQuartzCheckin())
            .With(new Dictionary<string, string?>
            {
                ["Workflows:Directory"] = OrchestratorHost.WorkflowsDirectory,
                ["Workflows:AllowChoice:0"] = "escalate-then-wait",
            });
        var database = cluster.Database;
        var tokens = cluster.Tokens;
        var nodes = await cluster.StartAsync(2);

        // Team leads have 1 s, then the request escalates to managers (an hour): one 'escalated' event per request.
        var ids = new List<Guid>();
        foreach (var node in nodes.Numbers)
        {
            using var client = new HttpClient { BaseAddress = nodes.BaseAddress(node), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue("alice", [], ["submitter"]));
            for (var i = 0; i < PerNode; i++)
            {
                var response = await client.PostAsJsonAsync("/api/requests", new { requester = "alice", text = $"Send the invoice {node}-{i} to the vendor.", workflow = "escalate-then-wait" }, ct);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                ids.Add((await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("id").GetGuid());
            }
        }

        // Node 1 dies with whatever timers it had scheduled or acquired; node 2 must fire them (and its own) once.
        await nodes.KillAsync(1);
        await Poll.TrueAsync(
            async () => await EscalatedAsync(database) == ids.Count,
            $"{ids.Count} escalations",
            TimeSpan.FromSeconds(90),
            ct);
        var perInstance = (await QueryAsync<(string InstanceId, long Events)>(
            database, "SELECT instance_id, COUNT(*) FROM audit_events WHERE kind = 'escalated' GROUP BY instance_id")).ToList();
        Assert.Equal(ids.Select(i => i.ToString()).Order(), perInstance.Select(p => p.InstanceId).Order());
        Assert.All(perInstance, p => Assert.Equal(1, p.Events));
        cluster.Passed();
    }

    private static async Task<long> EscalatedAsync(ScratchPostgres database) =>
        (await QueryAsync<long>(database, "SELECT COUNT(*) FROM audit_events WHERE kind = 'escalated'")).Single();

    private static async Task<IEnumerable<T>> QueryAsync<T>(ScratchPostgres database, string sql)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryAsync<T>(sql);
    }
}
