using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Testing;
using ApprovalOrchestrator.Testing.ScaleOut;
using Dapper;

namespace ApprovalOrchestrator.Integration.Tests.Crash;

/// <summary>
/// Issue 10's scale-out promise, tested the hard way: three server processes share one PostgreSQL database (a scratch
/// one per run) and one RabbitMQ broker. 300 mixed requests arrive over HTTP, spread over the nodes. One node is killed
/// with SIGKILL while tool calls hang at the Gateway on it, another while approval timers are due; the last node must
/// carry on alone (review the dead node's tool calls once their lease expires, fire the dead node's timers, run the
/// approvals) before the two are started again. Afterwards every request is in exactly one final or waiting state, no
/// tool call reached the Gateway twice, every timer fired once, no live execution was taken over, and every audit
/// chain is intact. Runs alone (its own collection, parallelization off): four processes with second-scale leases and
/// timers must not share two cores with the rest of the suite.
/// </summary>
[Collection(Name)]
[Trait("Storage", TestStorage.Explicit)] // always PostgreSQL (its own scratch database): one run, in the first pass
public sealed class MultiNodeCrashTests(ITestOutputHelper output)
{
    public const string Name = "multi-node crash";

    private const int Total = 300;
    /// <summary>
    /// Short, so the survivors take over within seconds; not shorter, because a lease whose heartbeats (a third of it
    /// apart) are starved on an overloaded 2-core box expires while its node lives: 3 s was lost that way at load 45.
    /// </summary>
    private const int LeaseSeconds = 10;

    /// <summary>
    /// How long beyond the lease the survivors may take to review a dead node's call: the sweep period plus what a loaded
    /// 2-core box adds. Without leases they would wait for the dead node's restart, i.e. for ever.
    /// </summary>
    private static readonly TimeSpan s_takeoverSlack = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan s_toolCallTime = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan s_dueSoon = TimeSpan.FromSeconds(3);
    private static readonly string[] s_terminal = ["executed", "rejected", "expired", "blocked", "failed", "needs-review"];

    private enum Kind { GreenChat, GreenTool, AmberChat, AmberTool, RedApproved, RedFast, AmberFast, Blocked, RedWaiting }

    private sealed record Mix(int Index, Kind Kind, object Body);

    private sealed record InFlight(Guid InstanceId, int Pid, bool IsTool, string IdempotencyKey);

    [Fact]
    public async Task Three_nodes_on_one_PostgreSQL_lose_nothing_when_one_is_killed_mid_tool_call_and_one_mid_timer()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: ct);
        gateway.SetDefault(FakeGateway.ChatPath, FakeResponse.Slow(TimeSpan.FromMilliseconds(150)));
        gateway.SetDefault(FakeGateway.ToolPath, FakeResponse.Slow(s_toolCallTime));
        await using var cluster = (await Cluster.CreateAsync("mn", RabbitMqUrl.Required, output.WriteLine, ct))
            .With(gateway)
            .With(ClusterSettings.QuickQuartzCheckin())
            .With(new Dictionary<string, string?>
            {
                ["Execution:LeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Workflows:Directory"] = OrchestratorHost.WorkflowsDirectory,
                ["Workflows:AllowChoice:0"] = "fast-escalation", // the mix names it in 'workflow'; the seeded default binding allows that
                ["Gateway:RetryBaseDelay"] = "00:00:00.050",
            });
        var database = cluster.Database;
        var requests = Enumerable.Range(0, Total).Select(Mixed).ToArray();
        var accepted = new ConcurrentDictionary<int, Guid>();
        var nodes = await cluster.StartAsync(3);
        using var http = new NodeClients(nodes, cluster.Tokens);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s  three nodes ready on {database.Name}");

        // 1. Half the requests, over all three nodes; kill the node with the most tool calls hanging at the Gateway.
        await SubmitAsync(http, nodes, requests.Take(Total / 2), accepted, ct);
        var (victimA, orphansA) = await Poll.GetAsync(async () =>
        {
            var inFlight = (await InFlightAsync(database, gateway)).Where(e => e.IsTool).GroupBy(e => e.Pid).MaxBy(g => g.Count());
            return inFlight is { } g ? Tuple.Create(NodeOf(nodes, g.Key), g.ToList()) : null;
        }, "a tool call in flight at the Gateway", TimeSpan.FromSeconds(60), ct);
        var pidA = nodes.ProcessId(victimA);
        await nodes.KillAsync(victimA);
        var killedA = clock.Elapsed;
        var deaths = new Dictionary<int, DateTimeOffset> { [pidA] = DateTimeOffset.UtcNow };
        output.WriteLine($"{killedA.TotalSeconds,5:0.0} s  killed node {victimA} (pid {pidA}) with {orphansA.Count} tool calls in flight; {Describe(await StatusCountsAsync(database))}");

        // 2. The other half over the survivors; kill one of them while approval timers are due.
        var submitting = SubmitAsync(http, nodes, requests.Skip(Total / 2), accepted, ct);
        await Poll.TrueAsync(async () => await TimersDueWithinAsync(database, s_dueSoon) >= 2, "two approval timers due", TimeSpan.FromSeconds(60), ct);
        var victimB = nodes.Running.First();
        var pidB = nodes.ProcessId(victimB);
        var orphansB = (await InFlightAsync(database, gateway)).Where(e => e.Pid == pidB).ToList();
        var dueAtKill = await TimersDueWithinAsync(database, s_dueSoon);
        await nodes.KillAsync(victimB);
        var killedB = clock.Elapsed;
        deaths[pidB] = DateTimeOffset.UtcNow;
        var survivor = nodes.Running.Single();
        output.WriteLine($"{killedB.TotalSeconds,5:0.0} s  killed node {victimB} (pid {pidB}) with {dueAtKill} timers due (or overdue) within {s_dueSoon.TotalSeconds:0} s and {orphansB.Count} calls in flight; node {survivor} carries on alone");
        await submitting;
        await SubmitAsync(http, nodes, requests, accepted, ct); // whatever the kill interrupted, retried with the same requestId
        Assert.Equal(Total, accepted.Count);
        gateway.SetDefault(FakeGateway.ToolPath, FakeResponse.Slow(TimeSpan.FromMilliseconds(200)));

        // 3. The survivor alone: it reviews the dead nodes' tool calls once their leases expire (not when they come back).
        foreach (var (orphans, killedAt, node) in new[] { (orphansA, killedA, victimA), (orphansB, killedB, victimB) })
        {
            var deadline = killedAt + TimeSpan.FromSeconds(LeaseSeconds) + s_takeoverSlack - clock.Elapsed;
            await Poll.TrueAsync(
                async () => (await StatusesAsync(database, orphans.Select(o => o.InstanceId))).All(s => s != "executing"),
                $"node {node}'s {orphans.Count} interrupted calls to be taken over within {LeaseSeconds} s + {s_takeoverSlack.TotalSeconds:0} s of its death",
                deadline > TimeSpan.Zero ? deadline : TimeSpan.FromMilliseconds(1),
                ct);
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s  node {survivor} took over every dead call; {Describe(await StatusCountsAsync(database))}");

        // ... fires every approval timer (the dead node's acquired ones too), and runs the approvals people make.
        var fast = requests.Where(r => r.Kind is Kind.RedFast or Kind.AmberFast).Select(r => accepted[r.Index]).ToList();
        await Poll.TrueAsync(async () => (await StatusesAsync(database, fast)).All(s => s == "expired"), $"all {fast.Count} fast-escalation requests to expire on node {survivor}", TimeSpan.FromSeconds(30), ct);
        await WaitClassifiedAsync(database, ct);
        var approved = await ApproveAsync(http, survivor, requests, accepted, ct);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s  timers fired, {approved} approvals recorded on node {survivor}; restarting nodes {victimA} and {victimB}");

        // 4. The dead come back; nothing they owned may be done twice, nothing live may be taken from the survivor.
        await Task.WhenAll(nodes.StartAsync(victimA), nodes.StartAsync(victimB));
        var final = await WaitForAllSettledAsync(database, requests, accepted, TimeSpan.FromSeconds(45), ct);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s  settled: {Describe(final.Values.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count()))}");

        await AssertOutcomesAsync(database, http, nodes, requests, accepted, final, deaths, gateway, ct);
        output.WriteLine($"{clock.Elapsed.TotalSeconds,5:0.0} s  all checks passed");
        cluster.Passed();
    }

    private static async Task AssertOutcomesAsync(
        ScratchPostgres database, NodeClients http, ServerNodes nodes, Mix[] requests, IReadOnlyDictionary<int, Guid> accepted,
        IReadOnlyDictionary<Guid, string> final, IReadOnlyDictionary<int, DateTimeOffset> deaths, FakeGateway gateway, CancellationToken ct)
    {
        await using (var connection = await database.OpenAsync(ct))
        {
            // One instance per request, whichever node took it in and however often it was submitted.
            Assert.Equal(Total, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM instances"));
            Assert.Equal(Total, await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT request_id) FROM instances"));
            // No finished request keeps a timer that could still fire.
            var armed = await connection.QueryAsync<string>(
                "SELECT i.status FROM timers t JOIN instances i ON i.id = t.instance_id WHERE t.status = 'armed'");
            Assert.All(armed, status => Assert.Equal("awaiting-approval", status));
        }

        // No tool call ever reached the Gateway twice: the dead nodes' calls were reviewed, never re-sent.
        Assert.All(gateway.ToolInvocations, kv => Assert.True(kv.Value == 1, $"Tool call {kv.Key} was sent {kv.Value} times."));

        var auditor = http.For(nodes.Running.First(), NodeClients.Agent);
        foreach (var request in requests)
        {
            var id = accepted[request.Index];
            var status = final[id];
            var allowed = request.Kind switch
            {
                Kind.GreenChat or Kind.AmberChat or Kind.RedApproved => ["executed"],
                Kind.GreenTool or Kind.AmberTool => new[] { "executed", "needs-review" },
                Kind.RedFast or Kind.AmberFast => ["expired"],
                Kind.Blocked => ["blocked"],
                Kind.RedWaiting => ["awaiting-approval"],
                _ => throw new InvalidOperationException(),
            };
            Assert.True(allowed.Contains(status), $"Request {request.Index} ({request.Kind}) ended '{status}', expected one of {string.Join("/", allowed)}.");

            var timeline = (await auditor.GetFromJsonAsync<JsonElement>($"/api/requests/{id}", ct)).GetProperty("timeline").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(1, timeline.Count), timeline.Select(e => e.GetProperty("seq").GetInt32()));
            Assert.Equal("received", KindOf(timeline[0]));
            // Exactly one end: a final request completed once (last), a waiting one not at all.
            Assert.Equal(s_terminal.Contains(status) ? 1 : 0, timeline.Count(e => KindOf(e) == "completed"));
            if (s_terminal.Contains(status))
            {
                Assert.Equal("completed", KindOf(timeline[^1]));
            }

            // Every timer fired exactly once: one escalation per (task, tier left), one expiry at most.
            var escalations = timeline.Where(e => KindOf(e) == "escalated").Select(e => (Data(e, "taskId"), Data(e, "fromGroup"))).ToList();
            Assert.Equal(escalations.Count, escalations.Distinct().Count());
            var expiries = timeline.Count(e => KindOf(e) == "expired");
            var (wantEscalations, wantExpiries) = request.Kind switch
            {
                Kind.AmberFast => (1, 1), // team-leads → managers, then expired
                Kind.RedFast => (0, 1),
                _ => (0, 0),
            };
            Assert.True(escalations.Count == wantEscalations && expiries == wantExpiries,
                $"Request {request.Index} ({request.Kind}): {escalations.Count} escalations and {expiries} expiries, expected {wantEscalations} and {wantExpiries}.");

            // Only a dead node's execution was ever taken over, and only after it died: never one a live node was running
            // (a redelivered ExecuteRequest, or a node's start-up sweep, must leave another node's call alone).
            foreach (var interrupted in timeline.Where(e => KindOf(e) == "execution-interrupted"))
            {
                var pid = PidOf(Data(interrupted, "startedBy"));
                var at = interrupted.GetProperty("at").GetDateTimeOffset();
                Assert.True(deaths.TryGetValue(pid, out var died) && at > died,
                    $"Request {request.Index}: the execution of process {pid} was taken over at {at:O} while it was alive ({(deaths.ContainsKey(pid) ? $"it died at {deaths[pid]:O}" : "it was never killed")}).");
            }
        }

        // Every hash chain intact, as each node computes it.
        foreach (var node in nodes.Running)
        {
            var verify = await http.For(node, NodeClients.Agent).GetFromJsonAsync<JsonElement>("/api/audit/verify", ct);
            Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
            Assert.Equal(Total, verify.GetProperty("instances").GetInt32());
        }
    }

    private static Mix Mixed(int i)
    {
        var requestId = $"mn-{i}";
        const string requester = NodeClients.Agent;
        return (i % 10) switch
        {
            0 or 1 => new Mix(i, Kind.GreenChat, new { requestId, requester, text = $"Summarize the quarterly report number {i} for internal use." }),
            2 => new Mix(i, Kind.GreenTool, new { requestId, requester, text = $"List my open sessions ({i}).", tool = new { name = "sessions_list", action = "json", args = new { n = i } } }),
            3 => new Mix(i, Kind.AmberChat, new { requestId, requester, text = $"Draft an email to the team about item {i}." }),
            4 => new Mix(i, Kind.AmberTool, new { requestId, requester, text = $"Send the status update {i}.", tool = new { name = "message_send", action = "send", args = new { channel = "status", n = i } } }),
            5 => new Mix(i, Kind.RedApproved, new { requestId, requester, text = $"Delete the stale draft number {i}." }),
            6 => new Mix(i, Kind.RedFast, new { requestId, requester, text = $"Transfer funds for batch {i}.", workflow = "fast-escalation" }),
            7 => new Mix(i, Kind.AmberFast, new { requestId, requester, text = $"Notify the vendor about order {i}.", workflow = "fast-escalation" }),
            8 => new Mix(i, Kind.Blocked, new { requestId, requester, text = $"Wipe cache number {i}." }),
            _ => new Mix(i, Kind.RedWaiting, new { requestId, requester, text = $"Rotate the api key of service {i}." }),
        };
    }

    /// <summary>Submits everything not yet accepted, round robin over the running nodes; a call a kill cut off is retried later with the same requestId.</summary>
    private static async Task SubmitAsync(NodeClients http, ServerNodes nodes, IEnumerable<Mix> requests, ConcurrentDictionary<int, Guid> accepted, CancellationToken ct)
    {
        await Parallel.ForEachAsync(requests.Where(r => !accepted.ContainsKey(r.Index)), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (request, token) =>
        {
            var running = nodes.Running.ToArray();
            if (running.Length == 0)
            {
                return;
            }

            try
            {
                var response = await http.For(running[request.Index % running.Length], NodeClients.Agent).PostAsJsonAsync("/api/requests", request.Body, token);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted[request.Index] = (await response.Content.ReadFromJsonAsync<JsonElement>(token)).GetProperty("id").GetGuid();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !token.IsCancellationRequested)
            {
                // That node died mid-call.
            }
        });
    }

    /// <summary>Approves every open amber (team lead) and red (two distinct officers) task of the kinds meant to be approved.</summary>
    private static async Task<int> ApproveAsync(NodeClients http, int node, Mix[] requests, IReadOnlyDictionary<int, Guid> accepted, CancellationToken ct)
    {
        var amber = requests.Where(r => r.Kind is Kind.AmberChat or Kind.AmberTool).Select(r => accepted[r.Index]).ToHashSet();
        var red = requests.Where(r => r.Kind == Kind.RedApproved).Select(r => accepted[r.Index]).ToHashSet();
        var recorded = 0;
        foreach (var (who, ids) in new[] { (NodeClients.Lead, amber), (NodeClients.Officer1, red), (NodeClients.Officer2, red) })
        {
            var client = http.For(node, who);
            var page = await client.GetFromJsonAsync<JsonElement>("/api/tasks?status=open&limit=500", ct);
            foreach (var task in page.GetProperty("items").EnumerateArray().Where(t => ids.Contains(t.GetProperty("requestId").GetGuid())))
            {
                var taskId = task.GetProperty("id").GetGuid();
                var response = await client.PostAsJsonAsync(
                    $"/api/tasks/{taskId}/decision",
                    new { decision = "approve", decisionId = $"{who}-{taskId:N}", actionHash = task.GetProperty("actionHash").GetString() },
                    ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{who} approving {taskId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                recorded++;
            }
        }

        Assert.Equal(amber.Count + 2 * red.Count, recorded);
        return recorded;
    }

    /// <summary>Executions started and not finished, with the node (process id) that started them, once the Gateway has the call.</summary>
    private static async Task<List<InFlight>> InFlightAsync(ScratchPostgres database, FakeGateway gateway)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string Id, string State)>("SELECT id, state FROM instances WHERE status = 'executing'");
        var atGateway = gateway.ToolInvocations;
        var result = new List<InFlight>();
        foreach (var (id, text) in rows)
        {
            using var state = JsonDocument.Parse(text);
            if (state.RootElement.GetProperty("execution") is not { ValueKind: JsonValueKind.Object } execution || execution.GetProperty("result").ValueKind != JsonValueKind.Null)
            {
                continue;
            }

            var key = execution.GetProperty("idempotencyKey").GetString()!;
            var isTool = state.RootElement.GetProperty("request").GetProperty("tool").ValueKind == JsonValueKind.Object;
            if (!isTool || atGateway.ContainsKey(key))
            {
                result.Add(new InFlight(Guid.Parse(id), PidOf(execution.GetProperty("startedBy").GetString()!), isTool, key));
            }
        }

        return result;
    }

    /// <summary>Armed timers that are overdue or come due within <paramref name="within"/>.</summary>
    private static async Task<long> TimersDueWithinAsync(ScratchPostgres database, TimeSpan within)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM timers WHERE status = 'armed' AND due_at <= @until", new { until = Timestamps.ToText(DateTimeOffset.UtcNow + within) });
    }

    private static async Task<List<string>> StatusesAsync(ScratchPostgres database, IEnumerable<Guid> ids)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT status FROM instances WHERE id = ANY(@ids)", new { ids = ids.Select(i => i.ToString()).ToArray() })).ToList();
    }

    private static async Task<Dictionary<string, int>> StatusCountsAsync(ScratchPostgres database)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(string Status, long Count)>("SELECT status, COUNT(*) FROM instances GROUP BY status")).ToDictionary(r => r.Status, r => (int)r.Count);
    }

    /// <summary>Tasks open only after classification: approving before that would miss some.</summary>
    private static Task WaitClassifiedAsync(ScratchPostgres database, CancellationToken ct) =>
        Poll.TrueAsync(async () => !(await StatusCountsAsync(database)).ContainsKey("received"), "every request to be classified", TimeSpan.FromSeconds(30), ct);

    private static async Task<Dictionary<Guid, string>> WaitForAllSettledAsync(
        ScratchPostgres database, Mix[] requests, IReadOnlyDictionary<int, Guid> accepted, TimeSpan deadline, CancellationToken ct)
    {
        var waiting = requests.Where(r => r.Kind == Kind.RedWaiting).Select(r => accepted[r.Index]).ToHashSet();
        Dictionary<Guid, string> statuses = [];
        await Poll.TrueAsync(async () =>
        {
            await using var connection = await database.OpenAsync(ct);
            statuses = (await connection.QueryAsync<(string Id, string Status)>("SELECT id, status FROM instances")).ToDictionary(r => Guid.Parse(r.Id), r => r.Status);
            return statuses.Count == Total && statuses.All(s => waiting.Contains(s.Key) ? s.Value == "awaiting-approval" : s_terminal.Contains(s.Value));
        }, "every request to end (or to wait, where it should)", deadline, ct);
        return statuses;
    }

    private static int NodeOf(ServerNodes nodes, int pid) => nodes.Running.Single(n => nodes.ProcessId(n) == pid);

    /// <summary>A run identity is <c>machine/pid/guid</c>.</summary>
    private static int PidOf(string runId) => int.Parse(runId.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);

    private static string KindOf(JsonElement auditEvent) => auditEvent.GetProperty("kind").GetString()!;

    private static string Data(JsonElement auditEvent, string name) => auditEvent.GetProperty("data").GetProperty(name).ToString();

    private static string Describe(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"));

    /// <summary>One HTTP client per (node, person), each with its own bearer token minted with the shared local key.</summary>
    private sealed class NodeClients(ServerNodes nodes, LocalTokenIssuer tokens) : IDisposable
    {
        public const string Agent = "agent-7";
        public const string Lead = "lead-1";
        public const string Officer1 = "sam";
        public const string Officer2 = "sue";

        private readonly ConcurrentDictionary<(int, string), HttpClient> _clients = new();

        public HttpClient For(int node, string who) => _clients.GetOrAdd((node, who), key =>
        {
            var (groups, roles) = who switch
            {
                Agent => (Array.Empty<string>(), new[] { "submitter", "auditor" }),
                Lead => (["team-leads"], ["approver"]),
                _ => (new[] { "security-officers" }, new[] { "approver" }),
            };
            var client = new HttpClient { BaseAddress = nodes.BaseAddress(key.Item1), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue(who, groups, roles));
            return client;
        });

        public void Dispose()
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }
        }
    }
}

/// <summary>The multi-node crash test's collection: run after the parallel tests, alone.</summary>
[CollectionDefinition(MultiNodeCrashTests.Name, DisableParallelization = true)]
public sealed class MultiNodeCrashCollection;
