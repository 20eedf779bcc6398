using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Intake;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Application;

/// <summary>
/// A real host (SQLite file, Quartz, in-process bus) whose use-case handlers the tests call directly, as the adapters
/// do. Each test submits its own requests, so one host serves a whole class.
/// </summary>
public sealed class UseCaseHost : IAsyncLifetime
{
    public const string Amber = "Send the invoice to the vendor.";
    public const string Red = "Transfer funds to the supplier.";
    public const string Green = "What is the capital of France?";

    private OrchestratorHost? _host;

    public OrchestratorHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public T Get<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();

    public static Actor Approver(string user, params string[] groups) => new(user, groups, [UserRoles.Approver]);

    public static Actor Submitter(string user) => new(user, [], [UserRoles.Submitter]);

    public static Actor Admin(string user = "ada-admin") => new(user, [], [UserRoles.Admin]);

    /// <summary>Submits through the use case as <paramref name="requester"/> (a verified submitter) and returns what it answered.</summary>
    public Task<Result<Submitted>> SubmitAsync(string text, string requester = "alice", string? clientRequestId = null, string? workflow = null) =>
        Get<SubmitRequest>().HandleAsync(new SubmitCommand(clientRequestId, null, null, text, null, workflow), Submitter(requester), requestIdRequired: false, TestContext.Current.CancellationToken);

    /// <summary>An amber (team-leads) or red (security-officers) request of <paramref name="requester"/>, waiting: its instance and open task.</summary>
    public async Task<(InstanceId Instance, Guid TaskId)> OpenTaskAsync(string text = Amber, string requester = "alice")
    {
        var submitted = await SubmitAsync(text, requester);
        Assert.True(submitted.IsOk, submitted.Refusal?.Detail);
        var instance = submitted.Value!.Instance;
        return (instance, await Host.OpenTaskIdAsync(instance.Value));
    }

    public async ValueTask InitializeAsync() => _host = await OrchestratorHost.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
