using System.Net;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Console;

/// <summary>The definition page's diagram draws the deny-by-default paths next to the rules.</summary>
public sealed class DefinitionDiagramTests
{
    [Fact]
    public async Task Diagram_shows_where_undeclared_tools_and_agents_go()
    {
        await using var host = await OrchestratorHost.StartAsync();
        using var admin = await ConsoleSession.SignInAsync(host, "ada", "admin");

        var response = await admin.GetAsync("/definitions/agent-action-approval/1");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("undeclared tool or action", html, StringComparison.Ordinal);
        Assert.Contains("declared: agents_list", html, StringComparison.Ordinal);
        Assert.Contains("undeclared agent", html, StringComparison.Ordinal);
        Assert.Contains("known: main", html, StringComparison.Ordinal);
    }
}
