using ApprovalOrchestrator.LocalIdentity;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Identity;

namespace ApprovalOrchestrator.Integration.Tests.Approvers;

/// <summary>Every endpoint authorizes: no token, a tampered, expired or foreign token → 401; the wrong role → 403; all problem-details, all recorded.</summary>
public sealed class AuthTests
{
    private static readonly Guid Missing = Guid.Parse("00000000-0000-0000-0000-000000000001");

    /// <summary>Each endpoint with a role that must not be enough for it.</summary>
    private static IEnumerable<(HttpMethod Method, string Path, string WrongRole)> Endpoints(Guid requestId, Guid taskId) =>
    [
        (HttpMethod.Post, "/api/requests", "approver"),
        (HttpMethod.Get, "/api/requests", "nobody"),
        (HttpMethod.Get, $"/api/requests/{requestId}", "nobody"), // a submitter who is not the requester gets 404: RequestIdOwnershipTests
        (HttpMethod.Post, $"/api/requests/{requestId}/withdraw", "approver"),
        (HttpMethod.Get, "/api/tasks", "submitter"),
        (HttpMethod.Get, $"/api/tasks/{taskId}", "submitter"),
        (HttpMethod.Post, $"/api/tasks/{taskId}/claim", "submitter"),
        (HttpMethod.Delete, $"/api/tasks/{taskId}/claim", "submitter"),
        (HttpMethod.Post, $"/api/tasks/{taskId}/decision", "submitter"),
        (HttpMethod.Post, $"/api/tasks/{taskId}/reassign", "approver"),
        (HttpMethod.Post, "/api/tasks/bulk-approve", "submitter"),
        (HttpMethod.Post, "/api/delegations", "submitter"),
        (HttpMethod.Get, "/api/delegations", "auditor"),
        (HttpMethod.Get, "/api/audit", "approver"),
        (HttpMethod.Get, "/api/audit/verify", "submitter"),
        (HttpMethod.Get, "/api/audit/security", "approver"),
    ];

    [Fact]
    public async Task Every_endpoint_refuses_missing_tampered_expired_and_foreign_tokens_with_401_and_wrong_roles_with_403()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var requestId = await host.SubmitOkAsync("Send the invoice to the vendor.");
        var taskId = await host.OpenTaskIdAsync(requestId);
        var valid = host.Tokens.Issue("eve", ["team-leads"], ["submitter", "approver", "admin", "auditor"]);
        var parts = valid.Split('.');
        var tampered = parts[0] + "." + parts[1][..^2] + (parts[1][^2] == 'A' ? "B" : "A") + parts[1][^1] + "." + parts[2];
        var expired = host.Tokens.Issue("eve", [], ["submitter", "approver", "admin", "auditor"], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-2));
        var foreign = new LocalTokenIssuer(new byte[32]).Issue("eve", [], ["admin"]);
        var unsigned = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"alg":"none"}""")).TrimEnd('=') + "." + parts[1] + ".";

        foreach (var (method, path, wrongRole) in Endpoints(requestId, taskId))
        {
            foreach (var (token, why) in new[] { ((string?)null, "no token"), (tampered, "tampered"), (expired, "expired"), (foreign, "foreign key"), (unsigned, "alg none") })
            {
                var response = await SendAsync(host, method, path, token);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with {why}: {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            var forbidden = await SendAsync(host, method, path, host.Tokens.Issue("mallory", [], [wrongRole]));
            Assert.True(forbidden.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} as {wrongRole}: {(int)forbidden.StatusCode}");
            Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        }

        var health = await host.Anonymous.GetAsync("/health/live", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // Each refusal is recorded: who, which endpoint, why — and never the token itself.
        var log = await host.Admin.GetStringAsync("/api/audit/security?limit=500", TestContext.Current.CancellationToken);
        Assert.Contains("token expired", log, StringComparison.Ordinal);
        Assert.Contains("invalid signature", log, StringComparison.Ordinal);
        Assert.Contains("\"actor\":\"mallory\"", log, StringComparison.Ordinal);
        Assert.Contains("/api/tasks/bulk-approve", log, StringComparison.Ordinal);
        Assert.DoesNotContain(parts[2], log, StringComparison.Ordinal);
        Assert.DoesNotContain(tampered, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_signing_key_is_created_owner_only_beside_the_database_and_decisions_are_recorded_authenticated()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var keyFile = LocalSigningKey.PathBeside(host.DatabasePath);
        Assert.True(File.Exists(keyFile));
        Assert.True(OperatingSystem.IsLinux());
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var id = await host.SubmitOkAsync("Send the invoice to the vendor.");
        var taskId = await host.OpenTaskIdAsync(id);
        var (response, _) = await host.DecideAsync(taskId, "tina", "team-leads", "approve");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = await host.Client.GetStringAsync($"/api/audit?requestId={id}", TestContext.Current.CancellationToken);
        Assert.Contains("\"authenticated\":true", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(LocalSigningKey.Load(keyFile)), audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_submitter_cannot_name_someone_else_as_requester_and_sees_only_their_own_requests()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var mine = await host.SubmitOkAsync("Summarize the meeting notes.", requester: "sally");
        await host.SubmitOkAsync("Summarize the other meeting notes.", requester: "bob");
        var sally = host.ClientFor("sally", [], ["submitter"]);

        var spoof = await sally.PostAsync("/api/requests", new StringContent("""{"requester":"bob","text":"hello"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var implicitRequester = await sally.PostAsync("/api/requests", new StringContent("""{"text":"hello there"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var list = await OrchestratorHost.ReadAsync(await sally.GetAsync("/api/requests", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, spoof.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, implicitRequester.StatusCode);
        Assert.Equal(2, list.GetProperty("total").GetInt32());
        Assert.All(list.GetProperty("items").EnumerateArray(), r => Assert.Equal("sally", r.GetProperty("requester").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await sally.GetAsync($"/api/requests/{mine}", TestContext.Current.CancellationToken)).StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(OrchestratorHost host, HttpMethod method, string path, string? token)
    {
        using var message = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (method == HttpMethod.Post)
        {
            message.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return await host.Anonymous.SendAsync(message, TestContext.Current.CancellationToken);
    }
}
