using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Storage;

/// <summary>
/// Many submits at once on one server. On PostgreSQL this used to answer 500 to some of them: code on the request path
/// opened connections synchronously, so threads blocked waiting for a pooled connection while the work that would give
/// connections back waited for a thread, and the pool timed out. Every open on an async path is async now.
/// </summary>
public sealed class ConcurrentSubmitTests
{
    [Fact]
    public async Task Sixty_submits_at_once_three_times_are_all_accepted_and_each_is_stored_once()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var ids = new List<Guid>();
        for (var round = 0; round < 3; round++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
                host.SubmitAsync(new { requestId = $"burst-{round}-{i}", requester = "alice", text = $"Draft an email to finance about the budget, note {round}-{i}." })));
            var refused = results.Where(r => (int)r.Response.StatusCode != 202).Select(r => $"{(int)r.Response.StatusCode} {r.Body}").ToList();
            Assert.True(refused.Count == 0, $"{refused.Count} of 60 submits were not accepted:\n{string.Join("\n", refused.Take(5))}");
            ids.AddRange(results.Select(r => r.Body.GetProperty("id").GetGuid()));
        }

        Assert.Equal(180, ids.Distinct().Count());
        foreach (var id in ids.Take(10))
        {
            Assert.Equal("awaiting-approval", (await host.WaitForStatusAsync(id, "awaiting-approval")).GetProperty("status").GetString());
        }
    }
}
