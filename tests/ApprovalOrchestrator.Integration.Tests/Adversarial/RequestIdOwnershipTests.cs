using ApprovalOrchestrator.Runtime.Identity;
using System.Net;
using System.Text.Json;
using ApprovalOrchestrator.Contracts.V1;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on idempotency keys (issue 9, class 11): mallory takes or probes a requestId another user uses. A requestId is
/// scoped to its requester, so another user's key never collides, a conflict only ever concerns the caller's own request,
/// and nothing (instance id, status, existence) leaks about someone else's. Against the real server and SQLite file.
/// </summary>
public sealed class RequestIdOwnershipTests
{
    private const string Text = "Send the invoice to the vendor.";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Taking_a_request_id_first_does_not_block_its_owner_who_gets_a_new_request_of_their_own()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var (squat, squatBody) = await host.SubmitAsync(new { requestId = "inv-42", requester = "mallory", text = "Something else entirely." });
        var (own, ownBody) = await host.SubmitAsync(new { requestId = "inv-42", requester = "alice", text = Text });

        Assert.Equal(HttpStatusCode.Accepted, squat.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        Assert.False(ownBody.GetProperty("duplicate").GetBoolean());
        Assert.NotEqual(squatBody.GetProperty("id").GetGuid(), ownBody.GetProperty("id").GetGuid());
        Assert.Equal("alice", (await host.GetRequestAsync(ownBody.GetProperty("id").GetGuid())).GetProperty("requester").GetString());
    }

    [Fact]
    public async Task Reusing_someone_elses_request_id_with_other_content_is_no_409_and_reveals_nothing_of_theirs()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var (_, alices) = await host.SubmitAsync(new { requestId = "inv-43", requester = "alice", text = Text });
        var alicesId = alices.GetProperty("id").GetGuid().ToString();

        var (probe, probeBody) = await host.SubmitAsync(new { requestId = "inv-43", requester = "mallory", text = "Transfer funds to me." });

        Assert.Equal(HttpStatusCode.Accepted, probe.StatusCode);
        Assert.DoesNotContain(alicesId, probeBody.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replaying_someone_elses_exact_request_creates_the_callers_own_not_a_duplicate_of_theirs()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var (_, alices) = await host.SubmitAsync(new { requestId = "inv-44", requester = "alice", text = Text });

        var (replay, replayBody) = await host.SubmitAsync(new { requestId = "inv-44", requester = "mallory", text = Text });

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.False(replayBody.GetProperty("duplicate").GetBoolean());
        Assert.NotEqual(alices.GetProperty("id").GetGuid(), replayBody.GetProperty("id").GetGuid());
        Assert.Equal("mallory", (await host.GetRequestAsync(replayBody.GetProperty("id").GetGuid())).GetProperty("requester").GetString());
    }

    [Fact]
    public async Task The_owners_own_duplicate_is_deduplicated_and_their_own_conflict_still_409_naming_only_their_request()
    {
        await using var host = await OrchestratorHost.StartAsync();
        await host.SubmitAsync(new { requestId = "inv-45", requester = "mallory", text = Text });
        var (_, first) = await host.SubmitAsync(new { requestId = "inv-45", requester = "alice", text = Text });
        var (again, againBody) = await host.SubmitAsync(new { requestId = "inv-45", requester = "alice", text = Text });
        var (conflict, conflictBody) = await host.SubmitAsync(new { requestId = "inv-45", requester = "alice", text = "Another text." });

        Assert.True(againBody.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.GetProperty("id").GetGuid(), againBody.GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(first.GetProperty("id").GetGuid(), conflictBody.GetProperty("existingId").GetGuid());
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Fact]
    public async Task A_submitter_reading_someone_elses_request_gets_the_same_404_as_for_no_request_and_it_is_recorded()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var alices = await host.SubmitOkAsync(Text, requester: "alice");
        var mallory = host.ClientFor("mallory", [], ["submitter"]);

        var other = await mallory.GetAsync($"/api/requests/{alices}", Ct);
        var missing = await mallory.GetAsync($"/api/requests/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(Shape(await OrchestratorHost.ReadAsync(missing)), Shape(await OrchestratorHost.ReadAsync(other)));
        var list = await OrchestratorHost.ReadAsync(await mallory.GetAsync("/api/requests", Ct));
        Assert.Equal(0, list.GetProperty("total").GetInt32());
        await host.Services.GetRequiredService<SecurityEventLog>().FlushAsync(); // refusals are written off the request path
        await using var connection = host.Database.Open();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM security_events WHERE actor = 'mallory' AND path LIKE @path", new { path = $"%{alices}%" }));

        // Everything but the id in the detail: title, status and wording are identical.
        static string Shape(JsonElement problem) => $"{problem.GetProperty("status")}|{problem.GetProperty("title")}|{problem.GetProperty("detail").GetString()![..11]}";
    }

    [Fact]
    public async Task Over_the_bus_the_named_requester_owns_the_key_so_two_requesters_with_one_request_id_get_two_requests()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.Publish(new SubmitAgentRequest("bus-7", "alice", null, Text, null, null), Ct);
        await bus.Publish(new SubmitAgentRequest("bus-7", "mallory", null, "Transfer funds to me.", null, null), Ct);

        var owners = await WaitForAsync(host, "bus-7", 2);
        Assert.Equal(["alice", "mallory"], owners);
    }

    /// <summary>The requesters of the instances under <paramref name="requestId"/>, once there are <paramref name="count"/>.</summary>
    private static async Task<IReadOnlyList<string>> WaitForAsync(OrchestratorHost host, string requestId, int count)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            await using (var connection = host.Database.Open())
            {
                var owners = (await connection.QueryAsync<string>("SELECT requester FROM instances WHERE request_id = @requestId ORDER BY requester", new { requestId })).ToList();
                if (owners.Count >= count || DateTime.UtcNow > until)
                {
                    return owners;
                }
            }

            await Task.Delay(50, Ct);
        }
    }
}
