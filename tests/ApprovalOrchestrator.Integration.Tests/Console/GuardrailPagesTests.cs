using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Console;

/// <summary>The console shows approvers what will be sent and what was redacted, and the request page the agent runtime record.</summary>
public sealed class GuardrailPagesTests
{
    private const string Email = "bob.smith@example.com";

    [Fact]
    public async Task The_task_page_shows_the_redacted_request_beside_the_original_and_what_was_found()
    {
        await using var host = await OrchestratorHost.StartAsync();
        var id = await host.SubmitOkAsync($"Send the summary to {Email}.");
        var taskId = await host.OpenTaskIdAsync(id);

        using var approver = await ConsoleSession.SignInAsync(host, "tina", "approver", "team-leads");
        var html = WebUtility.HtmlDecode(await approver.Http.GetStringAsync($"/tasks/{taskId}", TestContext.Current.CancellationToken));

        Assert.Contains("What will be sent to the agent", html);
        Assert.Contains("Send the summary to [email#1].", html);
        Assert.Contains(Email, html); // the original, for the approver
        Assert.Contains("data-testid=\"guardrail-email\"", html);
    }

    [Fact]
    public async Task The_request_page_shows_the_guardrails_and_the_agent_runtime_record()
    {
        await using var gateway = await FakeGateway.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await OrchestratorHost.StartAsync(settings: OrchestratorHost.WithGateway(gateway.BaseUrl, gateway.Token));
        var id = await host.SubmitOkAsync($"Summarize the thread with {Email}.");
        await host.WaitForStatusAsync(id, "executed");

        using var admin = await ConsoleSession.SignInAsync(host, "ada", "admin");
        var html = WebUtility.HtmlDecode(await admin.Http.GetStringAsync($"/requests/{id}", TestContext.Current.CancellationToken));

        Assert.Contains("data-testid=\"guardrails\"", html);
        Assert.Contains("Agent runtime", html);
        Assert.Contains("openclaw:main", html);
        Assert.Matches("data-testid=\"runtime-tokens\">\\d+ in · \\d+ out · \\d+ total", html);
    }
}
