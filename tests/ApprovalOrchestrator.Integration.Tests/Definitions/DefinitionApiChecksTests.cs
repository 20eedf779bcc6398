using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;
using static ApprovalOrchestrator.Integration.Tests.Definitions.DefinitionApi;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary>What-if over recorded requests, and validation against the configured group directory, over HTTP.</summary>
public sealed class DefinitionApiChecksTests
{
    [Fact]
    public async Task What_if_replays_the_recorded_requests_and_counts_those_a_draft_reclassifies()
    {
        await using var host = await OrchestratorHost.StartAsync();
        string[] invoices = ["Pay the invoice from Acme.", "File the invoice for March.", "Check the invoice total."];
        string[] others = ["What is the weather?", "Summarise this article.", "Delete the old backups."];
        foreach (var text in invoices.Concat(others))
        {
            await host.SubmitOkAsync(text);
        }

        // The draft makes invoices red: exactly the three invoice requests change, amber → red.
        var draft = CatalogKit.ReferenceSource.Replace("        - database dump\n", "        - database dump\n        - invoice\n", StringComparison.Ordinal);
        var (status, report) = await PostSourceAsync(host.Admin, "/api/definitions/whatif", draft);
        Assert.True(status == HttpStatusCode.OK, report.ToString());
        var r = report.GetProperty("report");
        Assert.Equal((6, 3, 3), (r.GetProperty("evaluated").GetInt32(), r.GetProperty("riskChanged").GetInt32(), r.GetProperty("routeChanged").GetInt32()));
        var risk = r.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "risk");
        Assert.Equal(("amber", "red", 3), (risk.GetProperty("from").GetString(), risk.GetProperty("to").GetString(), risk.GetProperty("count").GetInt32()));
        Assert.Equal(invoices.Order(), risk.GetProperty("examples").EnumerateArray().Select(e => e.GetProperty("text").GetString()).Order());
        Assert.Equal(1, report.GetProperty("current").GetProperty("version").GetInt32());

        // Newest first: the last two are the two newest requests (neither an invoice).
        var (_, saved) = await PostSourceAsync(host.Admin, "/api/definitions/drafts", draft);
        // An auditor (the host's default client) may run a what-if too: it changes nothing.
        Assert.Equal(HttpStatusCode.OK, (await PostSourceAsync(host.Client, "/api/definitions/whatif", draft)).Status);
        var (_, viaDraft) = await PostJsonAsync(host.Admin, $"/api/definitions/drafts/{saved.GetProperty("draftId").GetGuid()}/whatif?last=2", new { });
        Assert.Equal((2, 0), (viaDraft.GetProperty("report").GetProperty("evaluated").GetInt32(), viaDraft.GetProperty("report").GetProperty("riskChanged").GetInt32()));

        Assert.Equal(HttpStatusCode.BadRequest, (await PostSourceAsync(host.Admin, "/api/definitions/whatif?last=0", draft)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostSourceAsync(host.Admin, "/api/definitions/whatif?last=10001", draft)).Status);
    }

    [Fact]
    public async Task Drafts_and_publishing_are_validated_against_the_configured_group_directory()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Directory:Groups:team-leads:Members:0"] = "tina",
            ["Directory:Groups:managers:0"] = "mo",
            ["Directory:Groups:security-officers"] = "sec-1, sec-2",
        });

        // The shipped definition fits the directory, so it was imported.
        var (_, listed) = await GetAsync(host.Admin, $"/api/definitions/{Id}");
        Assert.Equal(1, listed.GetProperty("latestVersion").GetInt32());

        var source = CatalogKit.ReferenceSource
            .Replace("{ group: security-officers, requiredApprovals: 2,", "{ group: security-officers, requiredApprovals: 3,", StringComparison.Ordinal)
            .Replace("{ group: managers, requiredApprovals: 1,", "{ group: finance, requiredApprovals: 1,", StringComparison.Ordinal);
        var (_, validation) = await PostSourceAsync(host.Admin, "/api/definitions/validate", source);
        Assert.False(validation.GetProperty("valid").GetBoolean());
        var errors = validation.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
        Assert.Equal(["routes.amber.tiers[1].group", "routes.red.tiers[0].requiredApprovals"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("finance", errors["routes.amber.tiers[1].group"], StringComparison.Ordinal);

        var (status, problem) = await PostSourceAsync(host.Admin, "/api/definitions/publish?comment=x", source);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(2, problem.GetProperty("errors").GetArrayLength());
    }
}
