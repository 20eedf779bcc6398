using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Intake;
using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Integration.Tests.Application;

/// <summary>Each rule of "submit a request", once, at the use case (the HTTP endpoint and the bus consumer only map to it).</summary>
public sealed class SubmitRequestTests(UseCaseHost app) : IClassFixture<UseCaseHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SubmitRequest Submit => app.Get<SubmitRequest>();

    [Fact]
    public async Task Every_bad_field_is_named_at_once()
    {
        var command = new SubmitCommand(new string('r', 201), null, "bad agent!", "", new SubmitTool(null, null, null), null);
        var result = await Submit.HandleAsync(command, UseCaseHost.Submitter("alice"), requestIdRequired: false, Ct);

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal(["requestId", "text", "agentId", "tool.name"], result.Refusal!.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task Without_a_verified_submitter_the_client_request_id_and_requester_are_required()
    {
        var result = await Submit.HandleAsync(new SubmitCommand(null, null, null, UseCaseHost.Green, null, null), submitter: null, requestIdRequired: true, Ct);

        Assert.Equal(RefusalKind.Invalid, result.Refusal?.Kind);
        Assert.Equal(["requestId", "requester"], result.Refusal!.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task The_requester_is_the_verified_submitter_and_naming_someone_else_is_forbidden()
    {
        var laundered = await Submit.HandleAsync(new SubmitCommand(null, "bob", null, UseCaseHost.Amber, null, null), UseCaseHost.Submitter("alice"), false, Ct);
        Assert.Equal(RefusalKind.Forbidden, laundered.Refusal?.Kind);
        Assert.Contains("requester 'bob' is not the authenticated user", laundered.Refusal!.Detail, StringComparison.Ordinal);

        var own = await Submit.HandleAsync(new SubmitCommand(null, null, null, UseCaseHost.Green, null, null), UseCaseHost.Submitter("alice"), false, Ct);
        Assert.True(own.IsOk);
        Assert.Equal("alice", (await app.Host.GetRequestAsync(own.Value!.Instance.Value)).GetProperty("requester").GetString());
    }

    [Fact]
    public async Task A_caller_without_the_submitter_role_is_forbidden()
    {
        var result = await Submit.HandleAsync(new SubmitCommand(null, null, null, UseCaseHost.Green, null, null), UseCaseHost.Approver("tina", "team-leads"), false, Ct);

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Equal("requires role submitter", result.Refusal!.Detail);
    }

    [Fact]
    public async Task The_same_client_request_id_finds_its_instance_and_other_content_under_it_is_a_conflict()
    {
        var key = "key-" + Guid.NewGuid().ToString("N");
        var first = await app.SubmitAsync(UseCaseHost.Green, "carol", key);
        var again = await app.SubmitAsync(UseCaseHost.Green, "carol", key);
        var other = await app.SubmitAsync("Something else entirely.", "carol", key);
        var otherRequester = await app.SubmitAsync("Something else entirely.", "dave", key);

        Assert.False(first.Value!.Duplicate);
        Assert.Equal(key, first.Value.ClientRequestId.Value);
        Assert.True(again.Value!.Duplicate);
        Assert.Equal(first.Value.Instance, again.Value.Instance);

        Assert.Equal(RefusalKind.Conflict, other.Refusal?.Kind);
        Assert.Equal(first.Value.Instance.Value, other.Refusal!.Extensions!["existingId"]);
        Assert.Contains(first.Value.Instance.ToString(), other.Refusal.Detail, StringComparison.Ordinal);
        // The field error is what a bus publisher sees: it names no instance.
        var field = Assert.Single(other.Refusal.Errors);
        Assert.Equal("requestId", field.Field);
        Assert.DoesNotContain(first.Value.Instance.ToString(), field.Message, StringComparison.Ordinal);

        // Keys are per requester: someone else's use of the same key starts its own instance.
        Assert.True(otherRequester.IsOk);
        Assert.NotEqual(first.Value.Instance, otherRequester.Value!.Instance);
    }

    [Fact]
    public async Task A_workflow_the_binding_does_not_allow_is_forbidden_naming_the_field()
    {
        var result = await app.SubmitAsync(UseCaseHost.Green, workflow: "not-allowed-here");

        Assert.Equal(RefusalKind.Forbidden, result.Refusal?.Kind);
        Assert.Equal("workflow", Assert.Single(result.Refusal!.Errors).Field);
    }
}
