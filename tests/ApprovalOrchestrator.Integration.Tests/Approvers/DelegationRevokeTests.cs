using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Approvers;

/// <summary>
/// <c>DELETE /api/delegations/{id}</c>: a grant ends at once for every use (inbox, decisions), only for the people it
/// concerns or an admin, is recorded as a row of its own with its signed-log leaf, and cannot be revoked twice.
/// </summary>
public sealed class DelegationRevokeTests
{
    private const string Red = "Transfer funds to the supplier.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_revoked_delegation_grants_nothing_from_that_moment_and_is_in_the_signed_log()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var olga = host.Approver("olga", "security-officers");
        var dave = host.Approver("dave", "");
        var now = DateTimeOffset.UtcNow;
        var grant = await olga.PostAsJsonAsync("/api/delegations", new { to = "dave", startsAt = now.AddMinutes(-1), endsAt = now.AddHours(2) }, Ct);
        Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        var id = (await OrchestratorHost.ReadAsync(grant)).GetProperty("id").GetGuid();
        var task = await host.OpenTaskIdAsync(await host.SubmitOkAsync(Red, requester: "ron"));
        Assert.Contains(await InboxAsync(dave), t => t == task);

        var revoke = await olga.DeleteAsync($"/api/delegations/{id}?reason=back%20early", Ct);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.DoesNotContain(await InboxAsync(dave), t => t == task);
        var (decided, _) = await host.DecideAsync(task, "dave", "", "approve");
        Assert.Equal(HttpStatusCode.Forbidden, decided.StatusCode);
        var mine = await olga.GetFromJsonAsync<JsonElement>("/api/delegations", Ct);
        Assert.DoesNotContain(mine.EnumerateArray(), g => g.GetProperty("id").GetGuid() == id);
        await using var connection = host.Database.Open();
        Assert.Equal("olga", await connection.ExecuteScalarAsync<string>("SELECT revoked_by FROM delegation_revocations WHERE delegation_id = @id", new { id = id.ToString() }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM log_leaves WHERE source = 'delegation-revocation' AND source_id = @id", new { id = id.ToString() }));
        Assert.Equal(HttpStatusCode.Conflict, (await olga.DeleteAsync($"/api/delegations/{id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Someone_the_grant_does_not_concern_gets_the_same_404_as_for_no_grant_and_it_is_recorded()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var grant = await host.Approver("olga", "security-officers").PostAsJsonAsync("/api/delegations", new { to = "dave", startsAt = now, endsAt = now.AddHours(2) }, Ct);
        var id = (await OrchestratorHost.ReadAsync(grant)).GetProperty("id").GetGuid();
        var mallory = host.Approver("mallory", "security-officers");

        var theirs = await mallory.DeleteAsync($"/api/delegations/{id}", Ct);
        var none = await mallory.DeleteAsync($"/api/delegations/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        await host.Services.GetRequiredService<SecurityEventLog>().FlushAsync();
        await using var connection = host.Database.Open();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM security_events WHERE actor = 'mallory' AND reason LIKE '%not theirs to revoke%'"));
        // The delegate may give it up; an admin may end anyone's.
        Assert.Equal(HttpStatusCode.NoContent, (await host.Approver("dave", "").DeleteAsync($"/api/delegations/{id}", Ct)).StatusCode);
        var other = await host.Approver("olga", "security-officers").PostAsJsonAsync("/api/delegations", new { to = "erin", startsAt = now, endsAt = now.AddHours(2) }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin.DeleteAsync($"/api/delegations/{(await OrchestratorHost.ReadAsync(other)).GetProperty("id").GetGuid()}", Ct)).StatusCode);
    }

    private static async Task<List<Guid>> InboxAsync(HttpClient approver) =>
        (await approver.GetFromJsonAsync<JsonElement>("/api/tasks", Ct)).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();
}
