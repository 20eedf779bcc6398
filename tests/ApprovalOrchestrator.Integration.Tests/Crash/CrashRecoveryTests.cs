using ApprovalOrchestrator.LocalIdentity;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ApprovalOrchestrator.Runtime.Identity;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Storage.Sqlite;
using ApprovalOrchestrator.Testing;
using Dapper;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Integration.Tests.Crash;

/// <summary>
/// The durability promise, tested the hard way: the server runs as a child process and is killed with SIGKILL three
/// times — while requests are being submitted and classified, while tool calls hang at the Gateway with tasks open, and
/// while approved chat calls are in flight — then restarted on the same database each time. Afterwards every request
/// has ended exactly once, no tool invocation was sent twice, timers fired across the restarts, and the audit trail is
/// complete, in order and intact.
/// </summary>
[Trait("Storage", TestStorage.SqliteOnly)]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Total = 200;
    private static readonly string[] s_final = ["executed", "dry-run", "rejected", "expired", "blocked", "failed", "needs-review"];

    [Fact]
    public async Task Kill_dash_nine_three_times_loses_nothing_and_sends_no_tool_call_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: ct);
        var databasePath = OrchestratorHost.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        var logPath = Path.Combine(Path.GetDirectoryName(databasePath)!, "server.log");
        var port = ServerProcess.FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Approvals"] = $"Data Source={databasePath}",
            ["Workflows:Directory"] = OrchestratorHost.WorkflowsDirectory,
            ["Workflows:AllowChoice:0"] = "fast-escalation", // the mix names it in 'workflow'; the seeded default binding allows that
            ["Gateway:BaseUrl"] = gateway.BaseUrl,
            ["Gateway:Token"] = gateway.Token,
            ["Gateway:RetryBaseDelay"] = "00:00:00.050",
        };
        var requests = Enumerable.Range(0, Total).Select(Mixed).ToArray();
        var accepted = new ConcurrentDictionary<int, Guid>();

        // 1. Kill while submissions and classifications are in flight.
        gateway.SetDefault(FakeGateway.ChatPath, FakeResponse.Slow(TimeSpan.FromMilliseconds(300)));
        var server = await ServerProcess.StartAsync(port, settings, logPath);
        // The server made its signing key beside the database on first start; mint as a local user would.
        var tokens = LocalTokenIssuer.BesideDatabase(databasePath);
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue("agent-7", [], ["submitter", "auditor"]));
        using var approver = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        approver.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue("lead-1", ["team-leads"], ["approver"]));
        var submitting = SubmitAllAsync(client, requests.Take(120), accepted, ct);
        await WaitUntilAsync(() => accepted.Count >= 60, "60 submits accepted");
        await server.KillAsync();
        await submitting;
        var atFirstKill = await StatusCountsAsync(databasePath);
        output.WriteLine($"kill 1 (mid-intake): accepted {accepted.Count}; in the database {Describe(atFirstKill)}");

        // 2. Kill while tool calls hang at the Gateway and approval tasks are open.
        gateway.SetDefault(FakeGateway.ToolPath, FakeResponse.Hang());
        // Tool calls that phase 1 completed count too: wait for five that hang now.
        var toolCallsBefore = gateway.RequestsTo(FakeGateway.ToolPath).Count;
        server = await ServerProcess.StartAsync(port, settings, logPath);
        await SubmitAllAsync(client, requests, accepted, ct);
        Assert.Equal(Total, accepted.Count);
        await gateway.WaitForRequestsAsync(FakeGateway.ToolPath, toolCallsBefore + 5, TimeSpan.FromSeconds(30));
        var openTasks = await OpenTasksAsync(approver, ct);
        Assert.NotEmpty(openTasks);
        await server.KillAsync();
        var hungToolCalls = gateway.RequestsTo(FakeGateway.ToolPath).Count;
        output.WriteLine($"kill 2 (tools in flight): {hungToolCalls} tool calls hanging, {openTasks.Count} tasks open; {Describe(await StatusCountsAsync(databasePath))}");

        // 3. Kill while approved chat calls are in flight.
        gateway.SetDefault(FakeGateway.ToolPath, null);
        gateway.SetDefault(FakeGateway.ChatPath, FakeResponse.Slow(TimeSpan.FromSeconds(2)));
        server = await ServerProcess.StartAsync(port, settings, logPath);
        var amberIds = requests.Where(r => r.Kind == Kind.AmberChat).Select(r => accepted[r.Index]).ToHashSet();
        var toApprove = (await OpenTasksAsync(approver, ct)).Where(t => amberIds.Contains(t.RequestId)).ToList();
        var chatsBefore = gateway.RequestsTo(FakeGateway.ChatPath).Count;
        foreach (var task in toApprove.Take(toApprove.Count / 2))
        {
            await ApproveAsync(approver, task.TaskId, task.ActionHash, ct);
        }

        await WaitUntilAsync(() => gateway.RequestsTo(FakeGateway.ChatPath).Count > chatsBefore, "an approved chat call in flight");
        await server.KillAsync();
        output.WriteLine($"kill 3 (chat in flight): {Describe(await StatusCountsAsync(databasePath))}");

        // 4. Last start: approve whatever still waits for team leads, and let timers expire the rest.
        gateway.SetDefault(FakeGateway.ChatPath, null);
        await using var last = await ServerProcess.StartAsync(port, settings, logPath);
        var approvable = requests.Where(r => r.Kind is Kind.AmberChat or Kind.AmberTool).Select(r => accepted[r.Index]).ToHashSet();
        // Approve only once every request is classified: a task opened after the listing below would wait for ever.
        var classifiedBy = DateTime.UtcNow.AddSeconds(30);
        while ((await StatusCountsAsync(databasePath)).ContainsKey("received"))
        {
            Assert.True(DateTime.UtcNow < classifiedBy, "Timed out waiting for every request to be classified.");
            await Task.Delay(100, ct);
        }
        foreach (var task in (await OpenTasksAsync(approver, ct)).Where(t => approvable.Contains(t.RequestId)))
        {
            await ApproveAsync(approver, task.TaskId, task.ActionHash, ct);
        }

        var final = await WaitForAllFinalAsync(client, accepted.Values.ToArray(), TimeSpan.FromSeconds(60), ct);
        output.WriteLine($"final: {Describe(final.Values.GroupBy(v => v.Status).ToDictionary(g => g.Key, g => g.Count()))}");

        // Every request exists once and ended in a final status that fits what it was.
        await using (var connection = new SqliteDatabase(Options.Create(new StorageOptions { ConnectionString = $"Data Source={databasePath}" })).Open())
        {
            Assert.Equal(Total, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM instances"));
            Assert.Equal(Total, await connection.ExecuteScalarAsync<int>("SELECT COUNT(DISTINCT request_id) FROM instances"));
        }

        foreach (var request in requests)
        {
            var (status, isTool) = final[accepted[request.Index]];
            Assert.Contains(status, s_final);
            var allowed = request.Kind switch
            {
                Kind.GreenChat or Kind.AmberChat => ["executed"],
                Kind.GreenTool or Kind.AmberTool => new[] { "executed", "needs-review" },
                Kind.RedFast or Kind.AmberFast => ["expired"],
                Kind.Blocked => ["blocked"],
                _ => throw new InvalidOperationException(),
            };
            Assert.True(allowed.Contains(status), $"Request {request.Index} ({request.Kind}) ended '{status}', expected one of {string.Join("/", allowed)}.");
            Assert.True(status != "needs-review" || isTool, $"Only tool calls may need review; request {request.Index} is not one.");
        }

        // The hung tool calls were interrupted by the kill: reviewed, never re-sent. No tool call ever went out twice.
        Assert.True(final.Values.Count(v => v.Status == "needs-review") >= 5);
        Assert.All(gateway.ToolInvocations, kv => Assert.True(kv.Value == 1, $"Tool call {kv.Key} was sent {kv.Value} times."));

        // The audit trail: per request contiguous, starting with 'received' and ending with exactly one 'completed'; chains intact.
        foreach (var id in accepted.Values)
        {
            var timeline = (await client.GetFromJsonAsync<JsonElement>($"/api/requests/{id}", ct)).GetProperty("timeline").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(1, timeline.Count), timeline.Select(e => e.GetProperty("seq").GetInt32()));
            Assert.Equal("received", timeline[0].GetProperty("kind").GetString());
            Assert.Equal("completed", timeline[^1].GetProperty("kind").GetString());
            Assert.Single(timeline, e => e.GetProperty("kind").GetString() == "completed");
            var times = timeline.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
            Assert.Equal(times.Order(), times);
        }

        var verify = await client.GetFromJsonAsync<JsonElement>("/api/audit/verify", ct);
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
    }

    private enum Kind { GreenChat, GreenTool, AmberChat, AmberTool, RedFast, AmberFast, Blocked }

    private sealed record Mix(int Index, Kind Kind, object Body);

    private static Mix Mixed(int i)
    {
        var requestId = $"crash-{i}";
        return (i % 10) switch
        {
            0 or 1 => new Mix(i, Kind.GreenChat, new { requestId, requester = "agent-7", text = $"Summarize the quarterly report number {i} for internal use." }),
            2 => new Mix(i, Kind.GreenTool, new { requestId, requester = "agent-7", text = $"List my open sessions ({i}).", tool = new { name = "sessions_list", action = "json" } }),
            3 or 4 => new Mix(i, Kind.AmberChat, new { requestId, requester = "agent-7", text = $"Draft an email to the team about item {i}." }),
            5 => new Mix(i, Kind.AmberTool, new { requestId, requester = "agent-7", text = $"Send the status update {i}.", tool = new { name = "message_send", action = "send", args = new { channel = "status", n = i } } }),
            6 or 7 => new Mix(i, Kind.RedFast, new { requestId, requester = "agent-7", text = $"Transfer funds for batch {i}.", workflow = "fast-escalation" }),
            8 => new Mix(i, Kind.Blocked, new { requestId, requester = "agent-7", text = $"Wipe cache number {i}." }),
            _ => new Mix(i, Kind.AmberFast, new { requestId, requester = "agent-7", text = $"Notify the vendor about order {i}.", workflow = "fast-escalation" }),
        };
    }

    /// <summary>Submits everything not yet accepted, as an integrating system would: a failed call is simply retried later with the same requestId.</summary>
    private static async Task SubmitAllAsync(HttpClient client, IEnumerable<Mix> requests, ConcurrentDictionary<int, Guid> accepted, CancellationToken ct)
    {
        await Parallel.ForEachAsync(requests.Where(r => !accepted.ContainsKey(r.Index)), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (request, token) =>
        {
            try
            {
                var response = await client.PostAsJsonAsync("/api/requests", request.Body, token);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>(token);
                    accepted[request.Index] = body.GetProperty("id").GetGuid();
                }
            }
            catch (HttpRequestException)
            {
                // The server died mid-call: this request is submitted again after the restart.
            }
        });
    }

    /// <summary>The team lead's inbox (the approver's view, with each task's action hash).</summary>
    private static async Task<List<(Guid TaskId, Guid RequestId, string ActionHash)>> OpenTasksAsync(HttpClient approver, CancellationToken ct)
    {
        var page = await approver.GetFromJsonAsync<JsonElement>("/api/tasks?status=open&limit=500", ct);
        return page.GetProperty("items").EnumerateArray()
            .Where(t => t.GetProperty("group").GetString() == "team-leads")
            .Select(t => (t.GetProperty("id").GetGuid(), t.GetProperty("requestId").GetGuid(), t.GetProperty("actionHash").GetString()!)).ToList();
    }

    private static async Task ApproveAsync(HttpClient approver, Guid taskId, string actionHash, CancellationToken ct)
    {
        var response = await approver.PostAsJsonAsync($"/api/tasks/{taskId}/decision", new { decision = "approve", decisionId = $"approve-{taskId:N}", actionHash }, ct);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"Approve answered {(int)response.StatusCode}");
    }

    private static async Task<Dictionary<Guid, (string Status, bool IsTool)>> WaitForAllFinalAsync(HttpClient client, Guid[] ids, TimeSpan deadline, CancellationToken ct)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var result = new Dictionary<Guid, (string, bool)>();
            foreach (var id in ids)
            {
                var request = await client.GetFromJsonAsync<JsonElement>($"/api/requests/{id}", ct);
                result[id] = (request.GetProperty("status").GetString()!, request.GetProperty("tool").ValueKind == JsonValueKind.Object);
            }

            var pending = result.Where(r => !s_final.Contains(r.Value.Item1)).ToList();
            if (pending.Count == 0)
            {
                return result;
            }

            Assert.True(DateTime.UtcNow < until, $"{pending.Count} requests never ended, e.g. {pending[0].Key} is '{pending[0].Value.Item1}'.");
            await Task.Delay(250, ct);
        }
    }

    private static async Task<Dictionary<string, int>> StatusCountsAsync(string databasePath)
    {
        await using var connection = new SqliteDatabase(Options.Create(new StorageOptions { ConnectionString = $"Data Source={databasePath}" })).Open();
        return (await connection.QueryAsync<(string Status, long Count)>("SELECT status, COUNT(*) FROM instances GROUP BY status")).ToDictionary(r => r.Status, r => (int)r.Count);
    }

    private static string Describe(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"));

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }
}
