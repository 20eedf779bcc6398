using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;

namespace ApprovalOrchestrator.Integration.Tests.Storage;

/// <summary>
/// What a pending request leaves in the store (issue 11 item 3): no copies of messages already sent, and an instance
/// state without computed repeats, compressed on SQLite, while rows written by the previous release (JSON text) still
/// read and move on. Real server on the suite's provider.
/// </summary>
public sealed class CompactRowsTests
{
    private const string Amber = "Draft an email to finance asking for confirmation of the Q1 cloud budget.";

    [Fact]
    public async Task Published_outbox_rows_and_notifications_no_receiver_wants_are_deleted_not_kept_for_retention()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync(Amber);
        await host.OpenTaskIdAsync(id);

        // AgentRequestAccepted and ApprovalRequested were written; once sent, neither stays, nor the notification event.
        var left = await WaitForAsync(host, "SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM notification_events)", n => n == 0);
        Assert.Equal(0, left);
        await using var connection = host.Database.Open();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_poison"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_failures"));
    }

    [Fact]
    public async Task With_keep_dispatched_the_published_rows_stay_marked_with_their_bodies()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.KeepingSentMessages());
        var id = await host.SubmitOkAsync(Amber);
        await host.OpenTaskIdAsync(id);

        await WaitForAsync(host, "SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL", n => n == 0);
        await using var connection = host.Database.Open();
        var kept = (await connection.QueryAsync<string>("SELECT message_type FROM outbox WHERE body LIKE @id", new { id = $"%{id}%" })).ToList();
        Assert.Contains(kept, t => t.EndsWith("AgentRequestAccepted", StringComparison.Ordinal));
        Assert.Contains(kept, t => t.EndsWith("ApprovalRequested", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_state_row_written_as_json_text_by_the_previous_release_is_read_and_the_next_step_rewrites_it_compact()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync(Amber);
        var taskId = await host.OpenTaskIdAsync(id);

        // The previous release's form: the whole record as JSON text, computed properties included.
        string oldText;
        await using (var connection = host.Database.Open())
        {
            var instance = (await InstanceRepository.LoadAsync(connection, null, id))!;
            oldText = Json.Serialize(instance);
            Assert.Contains("approversAtCurrentTier", oldText, StringComparison.Ordinal);
            await connection.ExecuteAsync("UPDATE instances SET state = @oldText WHERE id = @id", new { oldText, id = id.ToString() });
            Assert.Equal(oldText, Json.Serialize((await InstanceRepository.LoadAsync(connection, null, id))!));
        }

        var shown = await host.GetRequestAsync(id);
        Assert.Equal(Amber, shown.GetProperty("text").GetString());
        Assert.Equal(taskId, (await host.GetTaskAsync(taskId)).GetProperty("id").GetGuid());
        var (decided, _) = await host.DecideAsync(taskId, "tom", "team-leads", "approve");
        decided.EnsureSuccessStatusCode();
        await host.WaitForStatusAsync(id, "dry-run");

        await using (var connection = host.Database.Open())
        {
            var stored = (await connection.ExecuteScalarAsync<object>("SELECT state FROM instances WHERE id = @id", new { id = id.ToString() }))!;
            var text = InstanceState.Text(stored);
            Assert.DoesNotContain("approversAtCurrentTier", text, StringComparison.Ordinal);
            Assert.DoesNotContain("matchedRuleIds", text, StringComparison.Ordinal);
            if (TestStorage.IsPostgres)
            {
                Assert.IsType<string>(stored); // the JSON text stays queryable there
            }
            else
            {
                var compressed = Assert.IsType<byte[]>(stored);
                Assert.True(compressed.Length * 3 < text.Length * 2, $"{compressed.Length} B compressed of {text.Length} B");
            }

            // Nothing the record holds is lost: the computed properties come back from the rest.
            var read = (await InstanceRepository.LoadAsync(connection, null, id))!;
            Assert.Equal(InstanceStatus.DryRun, read.Status);
            Assert.Equal(["tom"], read.Tasks.Single().ApproversAtCurrentTier);
            Assert.Equal(Json.Serialize(read), Json.Serialize(InstanceState.Decode(InstanceState.Compress(read))));
            Assert.Equal(Json.Serialize(read), Json.Serialize(InstanceState.Decode(InstanceState.Serialize(read))));
        }
    }

    [Fact]
    public void A_compressed_state_of_an_unknown_format_is_refused_not_guessed()
    {
        Assert.Throws<InvalidDataException>(() => InstanceState.Decode(new byte[] { 9, 1, 2, 3 }));
        Assert.Throws<InvalidDataException>(() => InstanceState.Decode(Array.Empty<byte>()));
    }

    private static async Task<long> WaitForAsync(OrchestratorHost host, string sql, Func<long, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            await using (var connection = host.Database.Open())
            {
                var value = await connection.ExecuteScalarAsync<long>(sql);
                if (done(value) || DateTime.UtcNow > until)
                {
                    Assert.True(done(value), $"{sql} is still {value} after 20 s");
                    return value;
                }
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
