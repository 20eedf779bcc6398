using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Testing.ScaleOut;

namespace ApprovalOrchestrator.Integration.Tests.Crash;

/// <summary>
/// Issue 13's required kill-switch test: two server processes share one PostgreSQL database (a scratch one per run) and
/// one RabbitMQ broker. Node 1 halts; node 2 sees it within a second; requests submitted to node 2 go <c>halted</c> and
/// the fake Gateway receives nothing; the resume on node 2 sends them, in the order they were halted. In the multi-node
/// collection (runs alone: two processes must not share two cores with the rest of the suite).
/// </summary>
[Collection(MultiNodeCrashTests.Name)]
[Trait("Storage", TestStorage.Explicit)] // always PostgreSQL (its own scratch database): one run, in the first pass
public sealed class MultiNodeHaltTests(ITestOutputHelper output)
{
    private static readonly string[] s_texts =
    [
        "Summarize our AI governance policy for internal use.",
        "Summarize the onboarding guide for internal use.",
        "Summarize the release notes for internal use.",
        "Summarize the security handbook for internal use.",
    ];

    [Fact]
    public async Task One_node_halts_the_other_stops_executing_within_a_second_and_a_resume_on_the_other_releases_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: ct);
        await using var cluster = (await Cluster.CreateAsync("halt", RabbitMqUrl.Required, output.WriteLine, ct))
            .With(gateway)
            .With(new Dictionary<string, string?> { ["Workflows:Directory"] = OrchestratorHost.WorkflowsDirectory });
        var tokens = cluster.Tokens;
        var nodes = await cluster.StartAsync(2);
        using var admin1 = Client(nodes.BaseAddress(1), tokens.Issue("ada", [], ["admin", "auditor"]));
        using var admin2 = Client(nodes.BaseAddress(2), tokens.Issue("ada", [], ["admin", "auditor"]));
        using var agent2 = Client(nodes.BaseAddress(2), tokens.Issue("agent-7", [], ["submitter", "auditor"]));

        // Both nodes execute before the halt.
        var before = await SubmitAsync(agent2, "Summarize the travel policy for internal use.", ct);
        await WaitForStatusAsync(admin2, before, "executed", ct);
        gateway.Reset();

        var halted = await admin1.PostAsJsonAsync("/api/controls/halt", new { scope = "all", reason = "incident on node 1's watch" }, ct);
        Assert.True(halted.IsSuccessStatusCode, await halted.Content.ReadAsStringAsync(ct));
        var at = Stopwatch.StartNew();
        var haltId = (await halted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();

        // Node 2's own view (its readiness reports what its cache holds) within a second.
        await Poll.TrueAsync(async () =>
        {
            var ready = await admin2.GetFromJsonAsync<JsonElement>("/health/ready", ct);
            return ready.GetProperty("checks").GetProperty("controls").GetProperty("data").GetProperty("halted").GetBoolean();
        }, "node 2 to report the halt", TimeSpan.FromSeconds(5), ct);
        var seen = at.Elapsed;
        output.WriteLine($"node 2 reported the halt {seen.TotalMilliseconds:0} ms after node 1's answer");
        Assert.True(seen < TimeSpan.FromSeconds(1), $"node 2 saw the halt after {seen.TotalMilliseconds:0} ms");

        var ids = new List<Guid>();
        foreach (var text in s_texts)
        {
            var id = await SubmitAsync(agent2, text, ct);
            await WaitForStatusAsync(admin2, id, "halted", ct);
            ids.Add(id);
        }

        // A bounded observation, after both nodes confirmed the halt: nothing reached the Gateway meanwhile.
        var quiet = Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromSeconds(1))
        {
            Assert.Empty(gateway.Requests);
            await Task.Delay(50, ct);
        }

        var list = await admin1.GetFromJsonAsync<JsonElement>("/api/requests?status=halted", ct);
        Assert.Equal(ids.Count, list.GetProperty("items").GetArrayLength());

        var resumed = await admin2.PostAsJsonAsync("/api/controls/resume", new { id = haltId, reason = "resolved, resumed from node 2" }, ct);
        Assert.True(resumed.IsSuccessStatusCode, await resumed.Content.ReadAsStringAsync(ct));
        foreach (var id in ids)
        {
            await WaitForStatusAsync(admin1, id, "executed", ct);
        }

        Assert.Equal(ids.Select(id => $"approval-{id:N}"), gateway.RequestsTo(FakeGateway.ChatPath).Select(r => r.Header("x-openclaw-session-key")));
        cluster.Passed();
    }

    private static HttpClient Client(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<Guid> SubmitAsync(HttpClient client, string text, CancellationToken ct)
    {
        var response = await client.PostAsJsonAsync("/api/requests", new { requester = "agent-7", text }, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("id").GetGuid();
    }

    private static Task WaitForStatusAsync(HttpClient client, Guid id, string status, CancellationToken ct) =>
        Poll.TrueAsync(async () => (await client.GetFromJsonAsync<JsonElement>($"/api/requests/{id}", ct)).GetProperty("status").GetString() == status, $"{id} to be {status}", cancellationToken: ct);
}
