namespace ApprovalOrchestrator.Runtime.Notifications.Slack;

/// <summary>
/// The one Slack receiver's delivery channel. Deliberately not the URL (as <c>webhook:&lt;url&gt;</c> is): an incoming
/// webhook's URL is a credential and the channel is stored and listed with dead letters.
/// </summary>
public static class SlackChannel
{
    public const string Name = "slack";

    /// <summary>The named HttpClient: no redirects, no request logging (its log lines carry the URL).</summary>
    public const string HttpClientName = "notifications-slack";

    /// <summary>Marks a request the HTTP client instrumentation must not trace: the span's <c>url.full</c> would hold the webhook URL.</summary>
    public static readonly HttpRequestOptionsKey<bool> Untraced = new("ao.untraced");

    public static bool IsUntraced(HttpRequestMessage request) => request.Options.TryGetValue(Untraced, out var untraced) && untraced;
}
