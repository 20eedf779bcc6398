using System.Text.Json.Nodes;
using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>
/// Issue 3's crash test on RabbitMQ: the server runs as a child process on the RabbitMQ transport; 300 requests (green
/// chat, green tool calls, blocked) arrive from an integrating system's bus; after about 100 completions the server is
/// killed with SIGKILL and started again on the same SQLite file. Every request then completes exactly once (counted by
/// requestId and by MessageId), no tool invocation reaches the Gateway twice, and every instance is final.
/// </summary>
public sealed class ServerKillTests(ITestOutputHelper output)
{
    private const int Total = 300;
    private const int KillAfterCompletions = 100;

    private enum Kind { GreenChat, GreenTool, Blocked }

    [Fact]
    public async Task Kill_dash_nine_mid_run_on_RabbitMq_completes_every_request_exactly_once()
    {
        _ = Broker.Url; // fail before creating anything when no broker is configured
        var prefix = Broker.NewPrefix();
        var directory = Directory.CreateTempSubdirectory("ao-bus-kill-").FullName;
        var databasePath = Path.Combine(directory, "approvals.db");
        var logPath = Path.Combine(directory, "server.log");
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Broker.Ct);
        // Slow enough that Gateway calls are in flight when the kill lands.
        gateway.SetDefault(FakeGateway.ChatPath, FakeResponse.Slow(TimeSpan.FromMilliseconds(200)));
        gateway.SetDefault(FakeGateway.ToolPath, FakeResponse.Slow(TimeSpan.FromMilliseconds(200)));
        var settings = Broker.ServerSettings(prefix, databasePath, gateway.BaseUrl, gateway.Token);
        var port = ServerProcess.FreePort();
        var succeeded = false;
        try
        {
            await using var integrator = await Integrator.StartAsync(prefix);
            var requests = Enumerable.Range(0, Total).Select(i => Mixed(prefix, i)).ToList();

            var server = await ServerProcess.StartAsync(port, settings, logPath);
            try
            {
                foreach (var chunk in requests.Chunk(50))
                {
                    await Task.WhenAll(chunk.Select(r => integrator.PublishAsync(r.Message)));
                }

                await Eventually.TrueAsync(() => Completed(integrator) >= KillAfterCompletions, $"{KillAfterCompletions} completions", TimeSpan.FromSeconds(60));
            }
            finally
            {
                await server.KillAsync();
            }

            var database = CompletionLedger.Database(databasePath);
            var atKill = Completed(integrator);
            output.WriteLine($"killed after {atKill} completions; in the database: {CompletionLedger.Describe(await CompletionLedger.StatusCountsAsync(database))}; " +
                             $"{await CompletionLedger.UndispatchedOutboxRowsAsync(database)} outbox rows undispatched; {gateway.ToolInvocations.Count} tool calls sent");

            var restart = System.Diagnostics.Stopwatch.StartNew();
            await using (server = await ServerProcess.StartAsync(port, settings, logPath))
            {
                var readyAfter = restart.Elapsed;
                await Eventually.TrueAsync(() => Completed(integrator) == Total, $"all {Total} requests to complete after the restart", TimeSpan.FromSeconds(120));
                output.WriteLine($"restarted: ready after {readyAfter.TotalSeconds:0.0} s, all {Total} completed after {restart.Elapsed.TotalSeconds:0.0} s");
                var raw = await RawBroker.ConnectAsync();
                await using (raw)
                {
                    await Eventually.TrueAsync(
                        async () => await CompletionLedger.UndispatchedOutboxRowsAsync(database) == 0 && await raw.MessageCountAsync(Integrator.QueueName(prefix)) == 0,
                        "the server's outbox and the integrator's queue to drain", TimeSpan.FromSeconds(30));
                }
            }

            var ledger = CompletionLedger.Of(integrator.All<AgentRequestCompleted>());
            output.WriteLine(ledger.ToString());
            var statuses = await CompletionLedger.StatusByRequestIdAsync(database);
            output.WriteLine($"database: {CompletionLedger.Describe(await CompletionLedger.StatusCountsAsync(database))}; {gateway.ToolInvocations.Count} tool calls sent");

            // Exactly once: every request has one completion; a redelivery may repeat its MessageId, never mint another.
            Assert.Equal(requests.Select(r => r.Message.RequestId).Order(), ledger.ByRequestId.Keys.Order());
            Assert.True(ledger.RequestsWithSeveralMessageIds.Count == 0, $"Requests completed more than once: {string.Join(", ", ledger.RequestsWithSeveralMessageIds.Keys.Take(10))}");

            // No tool call twice; interrupted ones are reviewed by a person, never re-sent.
            Assert.All(gateway.ToolInvocations, kv => Assert.True(kv.Value == 1, $"Tool call {kv.Key} was sent {kv.Value} times."));

            // One instance per request, each final and fitting its kind; the event says what the database says.
            Assert.Equal(Total, statuses.Count);
            foreach (var (kind, message) in requests)
            {
                var status = statuses[message.RequestId];
                var allowed = kind switch
                {
                    Kind.GreenChat => ["executed"],
                    Kind.GreenTool => new[] { "executed", "needs-review" },
                    _ => ["blocked"],
                };
                Assert.True(allowed.Contains(status), $"{message.RequestId} ({kind}) ended '{status}', expected {string.Join("/", allowed)}.");
                Assert.Equal(status, ledger.ByRequestId[message.RequestId].Status);
            }

            succeeded = true;
        }
        finally
        {
            var raw = await RawBroker.ConnectAsync();
            await using (raw)
            {
                await BusFixture.DeleteEntitiesAsync(raw, prefix);
            }

            if (succeeded)
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Litter in the temp folder only.
                }
            }
            else
            {
                output.WriteLine($"kept for inspection: {directory} (server log: {logPath})");
            }
        }
    }

    private static int Completed(Integrator integrator) => integrator.Messages<AgentRequestCompleted>().Select(c => c.RequestId).Distinct().Count();

    private static (Kind Kind, SubmitAgentRequest Message) Mixed(string prefix, int i) => (i % 3) switch
    {
        0 => (Kind.GreenChat, new SubmitAgentRequest($"{prefix}chat-{i}", Requests.Requester, null, $"Summarize the quarterly report number {i} for internal use.", null, null)),
        1 => (Kind.GreenTool, new SubmitAgentRequest($"{prefix}tool-{i}", Requests.Requester, null, $"List my open sessions ({i}).", new RequestedTool("sessions_list", "json", new JsonObject { ["n"] = i }), null)),
        _ => (Kind.Blocked, new SubmitAgentRequest($"{prefix}blocked-{i}", Requests.Requester, null, $"Wipe cache number {i}.", null, null)),
    };
}
