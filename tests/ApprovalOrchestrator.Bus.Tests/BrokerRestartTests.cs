using System.Diagnostics;
using ApprovalOrchestrator.Bus.Tests.Support;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Bus.Tests;

/// <summary>Restarting the broker disturbs every client of it: tests in this collection run alone, after all others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerRestartCollection
{
    public const string Name = "broker restart (runs alone)";
}

/// <summary>
/// Issue 3's broker outage: 500 requests flow from an integrating system's bus through a server on RabbitMQ; after about
/// 100 have completed the broker application is stopped (<c>rabbitmqctl stop_app</c>), the server must report unready,
/// then the broker is started again. Both sides reconnect by themselves and every request completes exactly once.
/// </summary>
[Collection(BrokerRestartCollection.Name)]
public sealed class BrokerRestartTests(ITestOutputHelper output)
{
    private const int Total = 500;
    private const int AmberEvery = 25;
    private const int StopAfterCompletions = 100;

    [Fact]
    public async Task Broker_restart_while_500_requests_flow_completes_every_request_exactly_once()
    {
        _ = Broker.Url;
        BrokerControl.EnsureAllowed();
        var prefix = Broker.NewPrefix();
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0.0} s] {line}");
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Broker.Ct);
        try
        {
            // The integrator first: its named (durable, non-auto-delete) queue is bound before anything is published,
            // so completions published while it is still reconnecting wait for it in the queue.
            await using var integrator = await Integrator.StartAsync(prefix);
            // The server in its own process, as in production: its bus, health checks and thread pool share nothing with
            // the test's (in-process, after other test classes' buses, readiness lagged the outage by 30 s and more).
            var directory = Path.Combine(Path.GetTempPath(), "ao-broker-restart", prefix.TrimEnd('-'));
            Directory.CreateDirectory(directory);
            var databasePath = Path.Combine(directory, "approvals.db");
            var settings = Broker.ServerSettings(prefix, databasePath, gateway.BaseUrl, gateway.Token);
            // Amber decisions come from a chat-ops bridge allowed to speak for team leads (Bus:Bridges).
            settings["Bus:Bridges:chatops:Groups:0"] = "team-leads";
            await using var server = await ServerProcess.StartAsync(ServerProcess.FreePort(), settings, Path.Combine(directory, "server.log"));
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            Log("server ready");
            var database = CompletionLedger.Database(databasePath);

            async Task<string> ProgressAsync() =>
                $"{Completed(integrator)} completed, {integrator.Messages<ApprovalRequested>().Select(a => a.RequestId).Distinct().Count()} approval notices; " +
                $"database: {CompletionLedger.Describe(await CompletionLedger.StatusCountsAsync(database))}; {await CompletionLedger.UndispatchedOutboxRowsAsync(database)} outbox rows undispatched";
            using var stopProgress = new CancellationTokenSource();
            // A progress line every 5 s for the test log (not a wait: nothing is decided by it).
            var progress = Task.Run(async () =>
            {
                using var every = new PeriodicTimer(TimeSpan.FromSeconds(5));
                try
                {
                    while (await every.WaitForNextTickAsync(stopProgress.Token))
                    {
                        Log(await ProgressAsync());
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }, CancellationToken.None);
            try
            {
                var requests = Enumerable.Range(0, Total).Select(i => i % AmberEvery == 0
                    ? new SubmitAgentRequest($"{prefix}amber-{i}", Requests.Requester, null, $"Draft an email to the team about item {i}.", null, null)
                    : new SubmitAgentRequest($"{prefix}green-{i}", Requests.Requester, null, $"Summarize the quarterly report number {i} for internal use.", null, null))
                    .ToList();
                var amberIds = requests.Where(r => r.RequestId.Contains("amber-", StringComparison.Ordinal)).Select(r => r.RequestId).ToHashSet();

                // An integrating system publishing at its own pace (about 50/s) while the server works, so the outage lands
                // mid-flow: some requests not yet sent, many between steps. A publish that fails or hangs while the broker is
                // away is retried with the same RequestId (idempotent), as an integrator would.
                var published = 0;
                var publishRetries = 0;
                var publishing = Task.Run(async () =>
                {
                    foreach (var chunk in requests.Chunk(25))
                    {
                        await Task.WhenAll(chunk.Select(async request =>
                        {
                            Interlocked.Add(ref publishRetries, await PublishWithRetryAsync(integrator, request));
                            Interlocked.Increment(ref published);
                        }));
                        await Task.Delay(500, Broker.Ct);
                    }
                }, CancellationToken.None);

                await Eventually.TrueAsync(() => Completed(integrator) >= StopAfterCompletions || publishing.IsFaulted, $"{StopAfterCompletions} completions", TimeSpan.FromSeconds(90));
                Assert.False(publishing.IsFaulted, publishing.Exception?.ToString());
                Log($"stopping the broker: {Completed(integrator)} completed, {Volatile.Read(ref published)} published");
                var atStop = Completed(integrator);

                // The outage. start_app runs whatever happens while the broker is down.
                var outage = Stopwatch.StartNew();
                TimeSpan stopCommand, unreadyAfter;
                int duringOutage;
                try
                {
                    await BrokerControl.StopAppAsync();
                    stopCommand = outage.Elapsed;
                    await Eventually.TrueAsync(async () => await IsReadyAsync(http) == false, "the server to report unready on /health/ready", TimeSpan.FromSeconds(30));
                    unreadyAfter = outage.Elapsed;
                    duringOutage = Completed(integrator);
                }
                finally
                {
                    await BrokerControl.StartAppAsync();
                }

                var outageLength = outage.Elapsed;

                var recovery = Stopwatch.StartNew();
                await Eventually.TrueAsync(async () => await IsReadyAsync(http) == true, "the server to be ready again after the broker came back", TimeSpan.FromSeconds(60));
                var readyAfter = recovery.Elapsed;
                await publishing;
                Log($"published all {Total} requests ({amberIds.Count} amber), {publishRetries} publishes retried");
                Log(
                    $"broker stopped after {atStop} completions (stop_app took {stopCommand.TotalSeconds:0.0} s); server unready {unreadyAfter.TotalSeconds:0.0} s after the stop began; " +
                    $"outage (stop_app begun → start_app returned) {outageLength.TotalSeconds:0.0} s; {duringOutage} completions by then; " +
                    $"server ready again {readyAfter.TotalSeconds:0.0} s after start_app returned");

                // Amber requests wait for a team lead: approve them with chat-ops decisions, sent over the recovered bus.
                await Eventually.TrueAsync(
                    () => integrator.Messages<ApprovalRequested>(a => amberIds.Contains(a.RequestId)).Select(a => a.RequestId).Distinct().Count() == amberIds.Count,
                    "every amber request's approval notice", TimeSpan.FromSeconds(90));
                var bridgeToken = ApprovalOrchestrator.LocalIdentity.LocalTokenIssuer.BesideDatabase(databasePath).Issue("chatops", [], ["bridge"]);
                foreach (var notice in integrator.Messages<ApprovalRequested>(a => amberIds.Contains(a.RequestId)).DistinctBy(a => a.TaskId))
                {
                    await integrator.PublishAsync(new SubmitApprovalDecision(
                        notice.TaskId, $"chatops-{notice.TaskId:N}", "lead-1", ["team-leads"], "approve", "via chat-ops", notice.ActionHash, bridgeToken));
                }

                await Eventually.TrueAsync(() => Completed(integrator) == Total, $"all {Total} requests to complete", TimeSpan.FromSeconds(120));
                Log($"all {Total} completed {recovery.Elapsed.TotalSeconds:0.0} s after the broker came back");

                // Before counting duplicates: everything the server will ever publish has left its outbox and been consumed.
                var raw = await RawBroker.ConnectAsync();
                await using (raw)
                {
                    await Eventually.TrueAsync(
                        async () => await CompletionLedger.UndispatchedOutboxRowsAsync(database) == 0 && await raw.MessageCountAsync(Integrator.QueueName(prefix)) == 0,
                        "the server's outbox and the integrator's queue to drain", TimeSpan.FromSeconds(30));
                }

                var ledger = CompletionLedger.Of(integrator.All<AgentRequestCompleted>());
                Log(ledger.ToString());
                Assert.Equal(requests.Select(r => r.RequestId).Order(), ledger.ByRequestId.Keys.Order());
                Assert.True(ledger.RequestsWithSeveralMessageIds.Count == 0, $"Requests completed more than once: {string.Join(", ", ledger.RequestsWithSeveralMessageIds.Keys.Take(10))}");
                // Same-MessageId redeliveries are allowed (at-least-once; consumers dedup by MessageId): reported above, not failed.
                Assert.All(ledger.ByRequestId.Values, c => Assert.Equal("executed", c.Status));
                Assert.All(ledger.ByRequestId.Values.Where(c => amberIds.Contains(c.RequestId)), c => Assert.Equal(["lead-1"], c.Decisions.Select(d => d.Actor)));

                // The database agrees: one instance per request, all final.
                var statuses = await CompletionLedger.StatusByRequestIdAsync(database);
                Log($"database: {CompletionLedger.Describe(await CompletionLedger.StatusCountsAsync(database))}");
                Assert.Equal(Total, statuses.Count);
                Assert.Equal(requests.Select(r => r.RequestId).Order(), statuses.Keys.Order());
                Assert.All(statuses, s => Assert.Equal("executed", s.Value));
            }
            catch (Exception)
            {
                Log($"failed: {await ProgressAsync()}");
                throw;
            }
            finally
            {
                await stopProgress.CancelAsync();
                await progress;
            }
        }
        finally
        {
            Log("stopped the server and the integrator");
            await CleanUpAsync(prefix);
            Log("cleaned up");
        }
    }

    /// <summary>Publishes until the broker confirms, each attempt bounded; returns how many attempts failed.</summary>
    private static async Task<int> PublishWithRetryAsync(Integrator integrator, SubmitAgentRequest request)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        for (var failures = 0; ; failures++)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(Broker.Ct);
            attempt.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await integrator.PublishAsync(request, attempt.Token);
                return failures;
            }
            catch (Exception) when (!Broker.Ct.IsCancellationRequested && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, Broker.Ct);
            }
        }
    }

    private static int Completed(Integrator integrator) => integrator.Messages<AgentRequestCompleted>().Select(c => c.RequestId).Distinct().Count();

    /// <summary>True or false as /health/ready answers; null when it does not answer in time (no verdict either way).</summary>
    private static async Task<bool?> IsReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/health/ready", Broker.Ct)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!Broker.Ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task CleanUpAsync(string prefix)
    {
        // The broker may still be booting its application after start_app; wait until it takes connections again.
        var raw = await Eventually.GetAsync(async () =>
        {
            try
            {
                return await RawBroker.ConnectAsync();
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException)
            {
                return null;
            }
        }, "the broker to accept connections for clean-up", TimeSpan.FromSeconds(60));
        await using (raw)
        {
            await BusFixture.DeleteEntitiesAsync(raw, prefix);
        }
    }
}
