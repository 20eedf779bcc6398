using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Notifications.Slack;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>The real server posting to a Slack stand-in, with one request's task open and its Slack message received.</summary>
public sealed class SlackScenario : IAsyncDisposable
{
    private SlackScenario(SlackStandIn slack, OrchestratorHost host) => (Slack, Host) = (slack, host);

    public SlackStandIn Slack { get; }

    /// <summary>Settable so a test can restart the server on the same database.</summary>
    public OrchestratorHost Host { get; set; }

    public Guid RequestId { get; private set; }

    public Guid TaskId { get; private set; }

    public JsonElement Message { get; private set; }

    public string ApproveValue => SlackKit.ButtonValue(Message, SlackActions.Approve);

    public string RejectValue => SlackKit.ButtonValue(Message, SlackActions.Reject);

    public static async Task<SlackScenario> StartAsync(string text, OrchestratorHostSetup? configure = null)
    {
        var slack = await SlackStandIn.StartAsync();
        var scenario = new SlackScenario(slack, await OrchestratorHost.StartAsync(settings: SlackKit.Settings(slack), configure: configure));
        scenario.RequestId = await scenario.Host.SubmitOkAsync(text);
        scenario.TaskId = await scenario.Host.OpenTaskIdAsync(scenario.RequestId);
        scenario.Message = Assert.Single(await slack.MessagesAsync(1));
        return scenario;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Slack.DisposeAsync();
    }
}
