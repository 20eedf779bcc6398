using System.Net;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Definitions;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;
using static ApprovalOrchestrator.Integration.Tests.Budgets.BudgetKit;

namespace ApprovalOrchestrator.Integration.Tests.Budgets;

/// <summary>A <c>budgets</c> section through the definitions API: refused with the field named, or published and in force.</summary>
public sealed class BudgetPublishTests
{
    [Fact]
    public async Task A_bad_budget_is_refused_at_validate_draft_and_publish_naming_the_field()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var source = CatalogKit.ReferenceSource + "\nbudgets:\n  default: { requestsPerMinute: -1, onExceeded: hold }\n";

        var (_, validation) = await DefinitionApi.PostSourceAsync(host.Admin, "/api/definitions/validate", source);
        var (draftStatus, draft) = await DefinitionApi.PostSourceAsync(host.Admin, "/api/definitions/drafts", source);
        var (status, problem) = await DefinitionApi.PostSourceAsync(host.Admin, "/api/definitions/publish?comment=x", source);

        Assert.False(validation.GetProperty("valid").GetBoolean());
        var paths = validation.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToHashSet();
        Assert.Contains("budgets.default.requestsPerMinute", paths);
        Assert.Contains("budgets.default.onExceeded", paths);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("budgets.default.requestsPerMinute", problem.GetRawText());
        // A draft may be saved while it is wrong, but it says what is wrong and cannot be published.
        Assert.True(draftStatus is HttpStatusCode.Created or HttpStatusCode.UnprocessableEntity, draft.ToString());
        Assert.Contains("budgets.default.requestsPerMinute", draft.GetRawText());
    }

    [Fact]
    public async Task A_published_budget_on_the_reference_definition_is_in_force_for_the_next_request()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: Ct);
        var clock = AtMinuteStart();
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token), configure: ShiftedClock.Install(clock));
        var before = await host.WaitForStatusAsync(await host.SubmitOkAsync(Green), "executed");

        var (version, hash) = await DefinitionApi.PublishAsync(host, CatalogKit.ReferenceSource + "\nbudgets:\n  default: { requestsPerMinute: 1, onExceeded: reject }\n");
        var first = await host.WaitForStatusAsync(await host.SubmitOkAsync(Green + " Again."), "executed");
        var second = await host.WaitForStatusAsync(await host.SubmitOkAsync(Green + " Once more."), "rejected");

        Assert.NotEqual(before.GetProperty("workflow").GetProperty("hash").GetString(), hash);
        Assert.Equal(version, second.GetProperty("workflow").GetProperty("version").GetInt32());
        Assert.Equal(hash, second.GetProperty("workflow").GetProperty("hash").GetString());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("budget").ValueKind); // nothing counted under the shipped version
        Assert.Equal("within", first.GetProperty("budget").GetProperty("decision").GetString());
        Assert.Contains("agent main over requestsPerMinute: 2 of 1", second.GetProperty("reason").GetString());
        Assert.Equal(2, gateway.RequestsTo(FakeGateway.ChatPath).Count);
    }
}
