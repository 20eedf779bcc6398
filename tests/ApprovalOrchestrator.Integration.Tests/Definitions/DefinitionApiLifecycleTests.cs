using System.Net;
using System.Net.Http.Json;
using System.Text;
using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Definitions;
using Microsoft.Extensions.DependencyInjection;
using static ApprovalOrchestrator.Integration.Tests.Definitions.DefinitionApi;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary>The draft → validate → publish → retract → revert lifecycle over HTTP, with versions, hashes and the audit.</summary>
public sealed class DefinitionApiLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Draft_validate_publish_retract_revert_number_versions_keep_hashes_and_audit_the_caller()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var source = TwoManagersForAmber;
        var hash = DefinitionHash.Compute(source);

        var (status, draft) = await PostSourceAsync(host.Admin, "/api/definitions/drafts", source);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.True(draft.GetProperty("valid").GetBoolean());
        Assert.Equal(hash, draft.GetProperty("hash").GetString());
        var draftId = draft.GetProperty("draftId").GetGuid();

        var (_, validation) = await PostSourceAsync(host.Admin, "/api/definitions/validate", source);
        Assert.True(validation.GetProperty("valid").GetBoolean());
        Assert.Equal(Id, validation.GetProperty("id").GetString());

        // A change must say why.
        var (noComment, _) = await PostJsonAsync(host.Admin, $"/api/definitions/drafts/{draftId}/publish", new { comment = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noComment);

        var (published, v2) = await PostJsonAsync(host.Admin, $"/api/definitions/drafts/{draftId}/publish", new { comment = "two managers for amber" });
        Assert.Equal(HttpStatusCode.Created, published);
        Assert.Equal((2, hash, true), (v2.GetProperty("version").GetInt32(), v2.GetProperty("hash").GetString(), v2.GetProperty("created").GetBoolean()));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(host.Admin, $"/api/definitions/drafts/{draftId}")).Status);

        // The same content again: no new version.
        var (same, again) = await PostSourceAsync(host.Admin, "/api/definitions/publish?comment=again", source);
        Assert.Equal(HttpStatusCode.OK, same);
        Assert.False(again.GetProperty("created").GetBoolean());

        var (_, retracted) = await PostJsonAsync(host.Admin, $"/api/definitions/{Id}/versions/2/retract", new { comment = "too strict" });
        Assert.True(retracted.GetProperty("retracted").GetBoolean());
        Assert.Equal(1, retracted.GetProperty("latestVersion").GetInt32());

        var (reverted, v3) = await PostJsonAsync(host.Admin, $"/api/definitions/{Id}/versions/2/revert", new { comment = "strict after all" });
        Assert.Equal(HttpStatusCode.Created, reverted);
        Assert.Equal((3, hash), (v3.GetProperty("version").GetInt32(), v3.GetProperty("hash").GetString()));

        var (_, item) = await GetAsync(host.Admin, $"/api/definitions/{Id}");
        Assert.Equal(3, item.GetProperty("latestVersion").GetInt32());
        var versions = item.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal([false, true, false], versions.Select(v => v.GetProperty("retracted").GetBoolean()));
        Assert.Equal(["ada-admin", "ada-admin"], versions.Skip(1).Select(v => v.GetProperty("author").GetString()));
        Assert.Equal("two managers for amber", versions[1].GetProperty("comment").GetString());
        Assert.StartsWith("import:", versions[0].GetProperty("author").GetString(), StringComparison.Ordinal);

        var (_, detail) = await GetAsync(host.Admin, $"/api/definitions/{Id}/versions/latest");
        Assert.Equal(3, detail.GetProperty("version").GetProperty("version").GetInt32());
        Assert.Equal(source, detail.GetProperty("source").GetString());
        var amber = detail.GetProperty("summary").GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "amber");
        Assert.Contains("managers x2", amber.GetProperty("description").GetString(), StringComparison.Ordinal);

        // Every change is audited with the caller as author and the content hash.
        var events = await host.Services.GetRequiredService<DefinitionCatalog>().ListEventsAsync(Id);
        var changes = events.Where(e => e.Author == "ada-admin").Select(e => (e.Kind, e.Version, e.Hash)).ToList();
        Assert.Equal(
            [(DefinitionEventKinds.DraftSaved, (int?)null, hash), (DefinitionEventKinds.Published, 2, hash), (DefinitionEventKinds.Retracted, 2, hash), (DefinitionEventKinds.Reverted, 3, hash)],
            changes);
    }

    [Fact]
    public async Task An_invalid_draft_is_saved_but_publishing_it_is_refused_with_every_error_listed()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var invalid = CatalogKit.ReferenceSource
            .Replace("{ group: security-officers, requiredApprovals: 2, timeout: PT24H }", "{ group: security-officers, requiredApprovals: 0, timeout: PT0S }", StringComparison.Ordinal)
            .Replace("id: amber-moderate-impact", "id: red-high-impact", StringComparison.Ordinal);
        string[] expected = ["classification.rules[2].id", "routes.red.tiers[0].requiredApprovals", "routes.red.tiers[0].timeout"];

        var (created, draft) = await PostSourceAsync(host.Admin, "/api/definitions/drafts", invalid);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.False(draft.GetProperty("valid").GetBoolean());
        Assert.Equal(expected, draft.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).Order(StringComparer.Ordinal));

        // Validating is not a failure: 200 with valid false and every error (path + message).
        var (validated, validation) = await PostSourceAsync(host.Admin, "/api/definitions/validate", invalid);
        Assert.Equal(HttpStatusCode.OK, validated);
        Assert.False(validation.GetProperty("valid").GetBoolean());
        Assert.All(validation.GetProperty("errors").EnumerateArray(), e => Assert.NotEmpty(e.GetProperty("message").GetString()!));

        var draftId = draft.GetProperty("draftId").GetGuid();
        foreach (var (status, problem) in new[]
        {
            await PostJsonAsync(host.Admin, $"/api/definitions/drafts/{draftId}/publish", new { comment = "try" }),
            await PostSourceAsync(host.Admin, "/api/definitions/publish?comment=try", invalid),
        })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
            var errors = problem.GetProperty("errors").EnumerateArray().ToList();
            Assert.Equal(expected, errors.Select(e => e.GetProperty("path").GetString()).Order(StringComparer.Ordinal));
            Assert.All(errors, e => Assert.NotEmpty(e.GetProperty("message").GetString()!));
        }

        // Still a draft; still only the imported version.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host.Admin, $"/api/definitions/drafts/{draftId}")).Status);
        var (_, item) = await GetAsync(host.Admin, $"/api/definitions/{Id}");
        Assert.Single(item.GetProperty("versions").EnumerateArray());

        // Drafts can be replaced and deleted.
        var (updated, replaced) = await SendSourceAsync(host.Admin, HttpMethod.Put, $"/api/definitions/drafts/{draftId}", TwoManagersForAmber);
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.True(replaced.GetProperty("valid").GetBoolean());
        var (_, list) = await GetAsync(host.Admin, "/api/definitions/drafts");
        Assert.Equal(draftId, Assert.Single(list.EnumerateArray()).GetProperty("draftId").GetGuid());
        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin.DeleteAsync($"/api/definitions/drafts/{draftId}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin.DeleteAsync($"/api/definitions/drafts/{draftId}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Export_gives_back_the_published_bytes_with_a_filename_and_diff_compares_versions_and_drafts()
    {
        await using var host = await OrchestratorHost.StartAsync();
        // A BOM, CRLF line endings and trailing spaces: none may be lost on the way through.
        var source = "\uFEFF# exported as sent  \r\n" + TwoManagersForAmber.Replace("\n", "\r\n", StringComparison.Ordinal);
        var (version, _) = await PublishAsync(host, source);

        using var export = await host.Admin.GetAsync($"/api/definitions/{Id}/versions/{version}/export", Ct);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(new UTF8Encoding(false).GetBytes(source), await export.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("application/yaml", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{Id}-v{version}.yaml", export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        // Exported bytes published again are the same content: no new version.
        using var republish = await host.Admin.PostAsync("/api/definitions/publish?comment=same",
            new ByteArrayContent(await export.Content.ReadAsByteArrayAsync(Ct)) { Headers = { ContentType = new("application/yaml") } }, Ct);
        Assert.Equal(HttpStatusCode.OK, republish.StatusCode);

        var (_, diff) = await GetAsync(host.Admin, $"/api/definitions/{Id}/diff?from=1&to={version}");
        Assert.False(diff.GetProperty("identical").GetBoolean());
        var amber = Assert.Single(diff.GetProperty("changes").GetProperty("routesChanged").EnumerateArray());
        Assert.Equal(("amber", "changed"), (amber.GetProperty("name").GetString(), amber.GetProperty("kind").GetString()));
        Assert.Empty(diff.GetProperty("changes").GetProperty("rulesChanged").EnumerateArray());

        var withRule = TwoManagersForAmber.Replace("  rules:\n", "  rules:\n    - { id: new-rule, risk: amber, category: x, confidence: 0.5, reason: r, terms: [gizmo] }\n", StringComparison.Ordinal);
        var (_, draft) = await PostSourceAsync(host.Admin, "/api/definitions/drafts", withRule);
        var (_, draftDiff) = await GetAsync(host.Admin, $"/api/definitions/{Id}/diff?from=latest&to=draft:{draft.GetProperty("draftId").GetGuid()}");
        Assert.Equal(["new-rule"], draftDiff.GetProperty("changes").GetProperty("rulesAdded").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(version, draftDiff.GetProperty("from").GetProperty("version").GetInt32());

        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(host.Admin, $"/api/definitions/{Id}/diff?from=1")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(host.Admin, $"/api/definitions/{Id}/diff?from=1&to=99")).Status);
    }

    [Fact]
    public async Task The_schema_is_served_to_anyone_as_json_schema()
    {
        await using var host = await OrchestratorHost.StartAsync();
        using var response = await host.Anonymous.GetAsync("/api/definitions/schema", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(DefinitionSchema.Json, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_source_in_an_unsupported_media_type_is_refused_with_415()
    {
        await using var host = await OrchestratorHost.StartAsync();
        using var response = await host.Admin.PostAsync("/api/definitions/validate", new StringContent(CatalogKit.ReferenceSource, Encoding.UTF8, "text/plain"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        using var json = await host.Admin.PostAsJsonAsync("/api/definitions/validate", new { id = "x" }, Ct);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode); // application/json is a definition in JSON (here an invalid one)
    }
}
