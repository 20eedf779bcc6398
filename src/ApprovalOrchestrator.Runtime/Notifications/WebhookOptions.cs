namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary><c>Notifications:Webhooks:N:*</c>: one receiver.</summary>
public sealed class WebhookOptions
{
    /// <summary>Absolute http(s) URL the event is POSTed to. Redirects are not followed.</summary>
    public string Url { get; set; } = "";

    /// <summary>The shared HMAC-SHA256 key (at least 16 characters); never stored in the database.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Which <see cref="NotificationKinds"/> to send; empty means all.</summary>
    public List<string> Events { get; set; } = [];

    public string Channel => WebhookChannel.Prefix + Url;

    public bool Wants(string kind) => Events.Count == 0 || Events.Contains(kind, StringComparer.Ordinal);
}
