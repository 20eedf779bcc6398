using System.Net;
using System.Net.Http.Headers;
using ApprovalOrchestrator.Integration.Tests.Support;
using static ApprovalOrchestrator.Integration.Tests.Definitions.DefinitionApi;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary>Every definitions endpoint: no token → 401; approvers and submitters → 403; auditors read but never change.</summary>
public sealed class DefinitionApiAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each endpoint, whether it changes anything (admin only) or reads (auditor too), and its body (a source or JSON).</summary>
    private static IEnumerable<(HttpMethod Method, string Path, bool Changes, string? Yaml, string? Json)> Endpoints(Guid draftId) =>
    [
        (HttpMethod.Get, "/api/definitions", false, null, null),
        (HttpMethod.Get, $"/api/definitions/{Id}", false, null, null),
        (HttpMethod.Get, $"/api/definitions/{Id}/versions/1", false, null, null),
        (HttpMethod.Get, $"/api/definitions/{Id}/versions/1/export", false, null, null),
        (HttpMethod.Get, $"/api/definitions/{Id}/diff?from=1&to=latest", false, null, null),
        (HttpMethod.Post, "/api/definitions/validate", false, CatalogKit.ReferenceSource, null),
        (HttpMethod.Post, "/api/definitions/whatif", false, CatalogKit.ReferenceSource, null),
        (HttpMethod.Post, $"/api/definitions/drafts/{draftId}/whatif", false, null, null),
        (HttpMethod.Get, "/api/definitions/drafts", false, null, null),
        (HttpMethod.Get, $"/api/definitions/drafts/{draftId}", false, null, null),
        (HttpMethod.Post, "/api/definitions/drafts", true, TwoManagersForAmber, null),
        (HttpMethod.Put, $"/api/definitions/drafts/{draftId}", true, TwoManagersForAmber, null),
        (HttpMethod.Delete, $"/api/definitions/drafts/{draftId}", true, null, null),
        (HttpMethod.Post, $"/api/definitions/drafts/{draftId}/publish", true, null, """{"comment":"x"}"""),
        (HttpMethod.Post, "/api/definitions/publish?comment=x", true, TwoManagersForAmber, null),
        (HttpMethod.Post, $"/api/definitions/{Id}/versions/1/retract", true, null, """{"comment":"x"}"""),
        (HttpMethod.Post, $"/api/definitions/{Id}/versions/1/revert", true, null, """{"comment":"x"}"""),
    ];

    [Fact]
    public async Task Every_definitions_endpoint_refuses_anonymous_callers_and_wrong_roles_and_auditors_only_read()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var (_, draft) = await PostSourceAsync(host.Admin, "/api/definitions/drafts", TwoManagersForAmber);
        var draftId = draft.GetProperty("draftId").GetGuid();
        var auditor = host.Tokens.Issue("audrey", [], ["auditor"]);

        foreach (var (method, path, changes, yaml, json) in Endpoints(draftId))
        {
            var anonymous = await SendAsync(host, method, path, null, yaml, json);
            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} anonymous: {(int)anonymous.StatusCode}");
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

            foreach (var role in new[] { "approver", "submitter" })
            {
                var forbidden = await SendAsync(host, method, path, host.Tokens.Issue("mallory", ["security-officers"], [role]), yaml, json);
                Assert.True(forbidden.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} as {role}: {(int)forbidden.StatusCode}");
            }

            var asAuditor = await SendAsync(host, method, path, auditor, yaml, json);
            if (changes)
            {
                Assert.True(asAuditor.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} as auditor: {(int)asAuditor.StatusCode}");
            }
            else
            {
                Assert.True(asAuditor.IsSuccessStatusCode, $"{method} {path} as auditor: {(int)asAuditor.StatusCode} {await asAuditor.Content.ReadAsStringAsync(Ct)}");
            }
        }

        // Nothing changed through all those refusals: still only the imported version and the one draft.
        var (_, item) = await GetAsync(host.Admin, $"/api/definitions/{Id}");
        Assert.Single(item.GetProperty("versions").EnumerateArray());
        var log = await host.Admin.GetStringAsync("/api/audit/security?limit=500", Ct);
        Assert.Contains("/api/definitions/publish", log, StringComparison.Ordinal);
        Assert.Contains("\"actor\":\"audrey\"", log, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(OrchestratorHost host, HttpMethod method, string path, string? token, string? yaml, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (yaml is not null)
        {
            request.Content = Yaml(yaml);
        }
        else if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return await host.Anonymous.SendAsync(request, Ct);
    }
}
