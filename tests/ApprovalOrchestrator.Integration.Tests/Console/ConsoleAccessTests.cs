using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Console;

/// <summary>Every console page and form enforces its role (anonymous → sign-in, wrong role → 403 page) and antiforgery.</summary>
public sealed class ConsoleAccessTests : IAsyncLifetime
{
    private OrchestratorHost _host = null!;
    private Guid _requestId;
    private Guid _taskId;

    /// <summary>Each page, and the roles that may open it.</summary>
    public static TheoryData<string, string> Pages => new()
    {
        { "/", "submitter,approver,auditor,admin" },
        { "/inbox", "approver" },
        { "/tasks/{task}", "approver" },
        { "/requests/{request}", "submitter,approver,auditor,admin" },
        { "/audit", "auditor,admin" },
        { "/audit?handler=export&format=csv", "auditor,admin" },
        { "/operations", "auditor,admin" },
        { "/operations?handler=poll", "auditor,admin" },
        { "/account/sign-out", "submitter,approver,auditor,admin" },
        { "/definitions", "admin" },
        { "/definitions/edit", "admin" },
        { "/definitions/agent-action-approval/1", "admin" },
    };

    public async ValueTask InitializeAsync()
    {
        _host = await OrchestratorHost.StartAsync();
        _requestId = await _host.SubmitOkAsync("Email the vendor the signed contract.");
        _taskId = await _host.OpenTaskIdAsync(_requestId);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private string Resolve(string page) => page.Replace("{task}", _taskId.ToString(), StringComparison.Ordinal).Replace("{request}", _requestId.ToString(), StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Anonymous_visitors_are_sent_to_sign_in(string page, string roles)
    {
        _ = roles;
        using var anonymous = ConsoleSession.Anonymous(_host);
        var response = await anonymous.GetAsync(Resolve(page));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in?returnUrl=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Each_role_opens_its_pages_and_is_refused_the_others(string page, string roles)
    {
        foreach (var role in new[] { "submitter", "approver", "auditor", "admin" })
        {
            // alice submitted the request; the approver is someone else in the task's group.
            var user = role == "submitter" ? "alice" : "pat-" + role;
            using var session = await ConsoleSession.SignInAsync(_host, user, role, "team-leads");
            var response = await session.GetAsync(Resolve(page));
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (roles.Split(',').Contains(role))
            {
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{role} on {page}: {(int)response.StatusCode} {body}");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} on {page}: {(int)response.StatusCode}");
                Assert.Contains("Not allowed", body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Forms_without_the_antiforgery_token_are_refused()
    {
        using var approver = await ConsoleSession.SignInAsync(_host, "tina", "approver", "team-leads");
        var task = $"/tasks/{_taskId}";
        foreach (var action in new[] { $"{task}?handler=Approve", $"{task}?handler=Reject", $"{task}?handler=Claim", $"{task}?handler=Release", "/account/sign-out" })
        {
            var response = await approver.PostWithoutTokenAsync(action, new() { ["Comment"] = "x" });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{action}: {(int)response.StatusCode}");
        }

        using var anonymous = ConsoleSession.Anonymous(_host);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostWithoutTokenAsync("/account/sign-in", new() { ["Token"] = "x" })).StatusCode);

        using var admin = await ConsoleSession.SignInAsync(_host, "ada", "admin");
        foreach (var action in new[] { "/definitions/edit?handler=Save", "/definitions/edit?handler=Publish", "/definitions/agent-action-approval/1?handler=Revert" })
        {
            var response = await admin.PostWithoutTokenAsync(action, new() { ["Source"] = "id: x", ["Comment"] = "x" });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{action}: {(int)response.StatusCode}");
        }

        // Nothing was decided.
        Assert.Equal("open", (await _host.GetTaskAsync(_taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_decision_form_from_the_wrong_role_is_refused_and_recorded()
    {
        using var auditor = await ConsoleSession.SignInAsync(_host, "audrey", "auditor");
        var token = await auditor.AntiforgeryTokenAsync("/audit");
        var response = await auditor.Http.PostAsync($"/tasks/{_taskId}?handler=Approve", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("open", (await _host.GetTaskAsync(_taskId)).GetProperty("status").GetString());
        var refusals = await _host.Services.GetRequiredService<SecurityEventLog>().ListAsync(0, 50);
        Assert.Contains(refusals, e => e.Actor == "audrey" && e.Status == 403 && e.Path == $"/tasks/{_taskId}");
    }

    [Fact]
    public async Task The_api_does_not_accept_the_console_cookie()
    {
        using var admin = await ConsoleSession.SignInAsync(_host, "ada", "admin,auditor,approver", "team-leads");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/api/requests")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/api/tasks")).StatusCode);
        var decision = await admin.Http.PostAsync($"/api/tasks/{_taskId}/decision", new StringContent("{\"decision\":\"approve\",\"actionHash\":\"x\"}", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, decision.StatusCode);
    }

    [Fact]
    public async Task A_bearer_token_does_not_open_a_page()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.Anonymous.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _host.Tokens.Issue("ada", [], ["admin", "auditor"]));
        var response = await client.GetAsync("/audit", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }
}
