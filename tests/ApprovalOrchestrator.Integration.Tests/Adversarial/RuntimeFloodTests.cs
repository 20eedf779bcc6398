using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Retention;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using ApprovalOrchestrator.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attempts to wedge or flood the runtime: outbox rows that can never be published must not hold up the rows behind
/// them (they are set aside, listed with their reason, visible in readiness); floods of unauthenticated calls must
/// not take the workflow's write lock row by row, and must leave a bounded, counted record; bookkeeping rows expire.
/// </summary>
public sealed class RuntimeFloodTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Outbox_rows_of_unknown_type_or_unreadable_body_are_set_aside_and_later_rows_still_publish()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await InsertOutboxRowAsync(host, "ApprovalOrchestrator.Runtime.Messaging.RemovedLongAgo", "{}");
        await InsertOutboxRowAsync(host, typeof(ClassifyRequest).FullName!, "{ this is not json");
        await InsertOutboxRowAsync(host, typeof(ExecuteRequest).FullName!, "{\"instanceId\": 42}");

        // Submitted after the bad rows: its messages queue behind them in the outbox and must still go out.
        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        await host.WaitForStatusAsync(id, "dry-run");

        var poison = await host.Admin.GetFromJsonAsync<JsonElement>("/api/admin/outbox/poison", Ct);
        var reasons = poison.EnumerateArray().Select(p => (Type: p.GetProperty("messageType").GetString()!, Reason: p.GetProperty("reason").GetString()!)).ToList();
        Assert.Equal(3, reasons.Count);
        Assert.Contains(reasons, r => r.Type.EndsWith("RemovedLongAgo", StringComparison.Ordinal) && r.Reason.StartsWith("unknown message type", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Type == typeof(ClassifyRequest).FullName && r.Reason.Contains("cannot be read", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Type == typeof(ExecuteRequest).FullName && r.Reason.Contains("cannot be read", StringComparison.Ordinal));

        // Readiness still answers 200 (everything else flows) but says so, with the count.
        var ready = await host.Anonymous.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var health = await OrchestratorHost.ReadAsync(ready);
        Assert.Equal("degraded", health.GetProperty("checks").GetProperty("outbox").GetProperty("status").GetString());
        Assert.Equal(3, health.GetProperty("checks").GetProperty("outbox").GetProperty("data").GetProperty("poisoned").GetInt32());
    }

    [Fact]
    public async Task Outbox_row_the_bus_refuses_to_publish_is_set_aside_after_max_attempts_while_other_rows_flow()
    {
        Outbox.Register(typeof(Unpublishable));
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?> { ["Outbox:MaxAttempts"] = "2" });
        await InsertOutboxRowAsync(host, typeof(Unpublishable).FullName!, "{\"value\":\"x\"}");

        // Every request's messages go out past it; each batch in which they do counts one failed attempt against it.
        var completed = 0;
        await Poll.TrueAsync(async () =>
        {
            var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
            await host.WaitForStatusAsync(id, "dry-run");
            completed++;
            var rows = await host.Admin.GetFromJsonAsync<JsonElement>("/api/admin/outbox/poison", Ct);
            return rows.GetArrayLength() == 1;
        }, "the unpublishable row to be set aside", TimeSpan.FromSeconds(60), Ct);

        var poisoned = (await host.Admin.GetFromJsonAsync<JsonElement>("/api/admin/outbox/poison", Ct))[0];
        Assert.Equal(typeof(Unpublishable).FullName, poisoned.GetProperty("messageType").GetString());
        Assert.Equal(2, poisoned.GetProperty("attempts").GetInt32());
        Assert.StartsWith("publish failed:", poisoned.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(completed >= 1);
    }

    [Fact]
    public async Task Poisoned_rows_are_admin_only_and_can_be_discarded_or_put_back_in_line()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await InsertOutboxRowAsync(host, "Gone.Type", "{}");
        await InsertOutboxRowAsync(host, "Gone.Other", "{}");
        var listed = await PoisonedAsync(host, rows => rows.GetArrayLength() == 2, "both rows to be set aside");
        var first = listed[0].GetProperty("seq").GetInt64();
        var second = listed[1].GetProperty("seq").GetInt64();

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Approver("lead-1", "team-leads").GetAsync("/api/admin/outbox/poison", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Anonymous.GetAsync("/api/admin/outbox/poison", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.DeleteAsync($"/api/admin/outbox/poison/{first}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin.DeleteAsync($"/api/admin/outbox/poison/{first}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin.DeleteAsync($"/api/admin/outbox/poison/{first}", Ct)).StatusCode);

        // Put back in line, it is tried again (and, still unknown, set aside again with its reason).
        Assert.Equal(HttpStatusCode.Accepted, (await host.Admin.PostAsync($"/api/admin/outbox/poison/{second}/retry", null, Ct)).StatusCode);
        var again = await PoisonedAsync(host, rows => rows.GetArrayLength() == 1 && rows[0].GetProperty("seq").GetInt64() == second, "the retried row to be tried and set aside again");
        Assert.StartsWith("unknown message type Gone.Other", again[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flood_of_2000_unauthenticated_calls_does_not_block_a_workflow_and_leaves_bounded_counted_rows()
    {
        await using var host = await OrchestratorHost.StartAsync();
        const int total = 2000;
        using var flooder = new HttpClient { BaseAddress = host.Anonymous.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var sent = 0;
        var flood = Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (Interlocked.Increment(ref sent) <= total)
            {
                using var response = await flooder.GetAsync("/api/requests", Ct);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }));

        // A workflow runs to the end while the flood is going on.
        var clock = Stopwatch.StartNew();
        var floodTook = flood.ContinueWith(_ => clock.Elapsed, TaskScheduler.Default);
        var id = await host.SubmitOkAsync("Summarize our AI governance policy for internal use.");
        await host.WaitForStatusAsync(id, "dry-run", TimeSpan.FromSeconds(30));
        var workflowTook = clock.Elapsed;
        await flood;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"workflow finished in {workflowTook.TotalMilliseconds:0} ms during a flood of {total} refused calls, which took {(await floodTook).TotalMilliseconds:0} ms");

        var log = host.Services.GetRequiredService<SecurityEventLog>();
        var rows = (await log.ListAsync(0, 500)).Where(e => e.Path == "/api/requests" && e.Status == 401).ToList();
        Assert.Equal(total, rows.Sum(r => r.Count));
        // One row per identical refusal and flush window, not one per call.
        Assert.True(rows.Count <= 60, $"{rows.Count} rows for {total} refusals");
        Assert.All(rows, r => Assert.Equal("no bearer token", r.Reason));
        Assert.Contains(rows, r => r.Count > 1 && r.LastAt >= r.At);
    }

    [Fact]
    public async Task Flood_beyond_the_queue_is_counted_not_silently_dropped()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["SecurityLog:QueueCapacity"] = "10",
            ["SecurityLog:FlushInterval"] = "00:00:05",
        });
        const int total = 200;
        await Task.WhenAll(Enumerable.Range(0, total).Select(async _ =>
        {
            using var response = await host.Anonymous.GetAsync("/api/tasks", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }));

        var log = host.Services.GetRequiredService<SecurityEventLog>();
        var all = await log.ListAsync(0, 500);
        var kept = all.Where(e => e.Path == "/api/tasks").Sum(e => e.Count);
        var dropped = all.Where(e => e.Actor == SecurityEventLog.DroppedActor).Sum(e => e.Count);
        Assert.True(dropped > 0, "the queue of 10 should have overflowed");
        Assert.Equal(total, kept + dropped);

        var health = await OrchestratorHost.ReadAsync(await host.Anonymous.GetAsync("/health/ready", Ct));
        Assert.Equal(dropped, health.GetProperty("checks").GetProperty("outbox").GetProperty("data").GetProperty("securityEventsDropped").GetInt64());
    }

    [Fact]
    public async Task Retention_purges_old_security_events_inbox_and_dispatched_outbox_rows_but_keeps_pending_and_recent_ones()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Retention:SecurityEvents"] = "30.00:00:00",
            ["Retention:Inbox"] = "7.00:00:00",
            ["Retention:DispatchedOutbox"] = "1.00:00:00",
        });
        var now = DateTimeOffset.UtcNow;
        var database = host.Database;
        await database.InTransactionAsync(async (c, tx) =>
        {
            foreach (var (at, reason) in new[] { (now.AddDays(-40), "old"), (now.AddDays(-2), "recent") })
            {
                await c.ExecuteAsync(
                    "INSERT INTO security_events (at, last_at, status, actor, method, path, reason, remote_ip, count) VALUES (@At, @At, 401, 'x', 'GET', '/retention', @reason, NULL, 1)",
                    new { At = Timestamps.ToText(at), reason }, tx);
            }

            await c.ExecuteAsync("INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('retention', @Old, @OldAt), ('retention', @New, @NewAt)",
                new { Old = Guid.NewGuid().ToString(), OldAt = Timestamps.ToText(now.AddDays(-8)), New = Guid.NewGuid().ToString(), NewAt = Timestamps.ToText(now.AddHours(-1)) }, tx);
            // Old and published: purged. Old and never published: kept (it still has to go out; it is Retention-only).
            await c.ExecuteAsync(
                "INSERT INTO outbox (id, message_type, body, created_at, dispatched_at) VALUES (@A, 'retention.Done', '{}', @Old, @Old), (@B, 'retention.Recent', '{}', @Recent, @Recent)",
                new { A = Guid.NewGuid().ToString(), B = Guid.NewGuid().ToString(), Old = Timestamps.ToText(now.AddDays(-3)), Recent = Timestamps.ToText(now.AddHours(-2)) }, tx);
            // Notification events an earlier release kept after fanning them out: purged when no receiver had them,
            // kept while a delivery still reads them.
            foreach (var (kind, delivered) in new[] { ("retention.nobody", false), ("retention.hooked", true) })
            {
                var eventId = Guid.NewGuid().ToString();
                await c.ExecuteAsync(
                    "INSERT INTO notification_events (id, instance_id, kind, body, created_at, fanned_out_at) VALUES (@eventId, @instance, @kind, '{}', @Old, @Old)",
                    new { eventId, instance = Guid.NewGuid().ToString(), kind, Old = Timestamps.ToText(now.AddDays(-3)) }, tx);
                if (delivered)
                {
                    await c.ExecuteAsync(
                        "INSERT INTO notification_deliveries (event_id, channel, status, next_attempt_at) VALUES (@eventId, 'webhook:http://127.0.0.1:9/', 'dead', @Old)",
                        new { eventId, Old = Timestamps.ToText(now.AddDays(-3)) }, tx);
                }
            }

            return 0;
        });

        // The purge that runs at start may get there first; either way, what is left is the same.
        await host.Services.GetRequiredService<RetentionPurge>().RunAsync(Ct);

        await using var connection = database.Open();
        Assert.Equal(["recent"], await connection.QueryAsync<string>("SELECT reason FROM security_events WHERE path = '/retention'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM inbox WHERE consumer = 'retention'"));
        Assert.Equal(["retention.Recent"], await connection.QueryAsync<string>("SELECT message_type FROM outbox WHERE message_type LIKE 'retention.%'"));
        Assert.Equal(["retention.hooked"], await connection.QueryAsync<string>("SELECT kind FROM notification_events WHERE kind LIKE 'retention.%'"));
    }

    [Fact]
    public async Task Retention_runs_by_itself_at_start()
    {
        var path = OrchestratorHost.NewDatabasePath();
        await (await OrchestratorHost.StartAsync(path)).DisposeAsync();
        await using (var connection = TestStorage.Open(path).Open())
        {
            await connection.ExecuteAsync(
                "INSERT INTO security_events (at, status, actor, method, path, reason) VALUES (@At, 401, 'x', 'GET', '/ancient', 'old')",
                new { At = Timestamps.ToText(DateTimeOffset.UtcNow.AddDays(-400)) });
        }

        await using var host = await OrchestratorHost.StartAsync(path);
        var database = host.Database;
        await Poll.TrueAsync(async () =>
        {
            await using var connection = database.Open();
            return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM security_events WHERE path = '/ancient'") == 0;
        }, "the 400-day-old row to be purged after start (default retention 90 days)", cancellationToken: Ct);
    }

    private static Task InsertOutboxRowAsync(OrchestratorHost host, string type, string body) =>
        host.Database.InTransactionAsync((c, tx) => c.ExecuteAsync(
            "INSERT INTO outbox (id, message_type, body, created_at) VALUES (@Id, @type, @body, @Now)",
            new { Id = Guid.NewGuid().ToString(), type, body, Now = Timestamps.ToText(DateTimeOffset.UtcNow) }, tx));

    private static async Task<JsonElement> PoisonedAsync(OrchestratorHost host, Func<JsonElement, bool> done, string what)
    {
        JsonElement rows = default;
        await Poll.TrueAsync(async () => done(rows = await host.Admin.GetFromJsonAsync<JsonElement>("/api/admin/outbox/poison", Ct)), what, cancellationToken: Ct);
        return rows;
    }

    /// <summary>Reads from the outbox fine, but no serializer can write it: the bus refuses every publish.</summary>
    public sealed record Unpublishable(string Value)
    {
        public string Boom => throw new InvalidOperationException("this message cannot be serialized");
    }
}
