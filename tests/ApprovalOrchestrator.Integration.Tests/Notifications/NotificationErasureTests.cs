using System.Net;
using System.Net.Http.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>Erasing a request's content reaches the notification copies of it.</summary>
public sealed class NotificationErasureTests
{
    [Fact]
    public async Task Erasing_a_request_blanks_its_text_reason_and_comments_in_the_notification_events()
    {
        // A receiver that never answers (nothing listens on the discard port): its deliveries keep the events they read.
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AuditLog:Retention:agent-action-approval"] = "00:00:00",
            ["Notifications:Webhooks:0:Url"] = "http://127.0.0.1:9/hook",
            ["Notifications:Webhooks:0:Secret"] = "a-secret-of-sixteen-chars",
        });
        var id = await host.SubmitOkAsync("Send the invoice to the vendor Zebulonquux.");
        var taskId = await host.OpenTaskIdAsync(id);
        var (decided, _) = await host.DecideAsync(taskId, "tom", "team-leads", "approve", comment: "Zebulonquux is fine.");
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        await host.WaitForStatusAsync(id, "dry-run");

        async Task<List<string>> BodiesAsync()
        {
            await using var connection = host.Database.Open();
            return (await connection.QueryAsync<string>("SELECT body FROM notification_events WHERE instance_id = @id", new { id = id.ToString() })).ToList();
        }

        Assert.Equal(2, (await BodiesAsync()).Count(b => b.Contains("Zebulonquux", StringComparison.Ordinal)));

        var erased = await host.Admin.PostAsJsonAsync($"/api/requests/{id}/erase", new { comment = "retention over" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        var bodies = await BodiesAsync();
        Assert.Equal(2, bodies.Count);
        Assert.All(bodies, b => Assert.DoesNotContain("Zebulonquux", b, StringComparison.Ordinal));
        Assert.All(bodies, b => Assert.Contains("[erased]", b, StringComparison.Ordinal));
    }
}
