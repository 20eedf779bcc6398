namespace ApprovalOrchestrator.Runtime.Notifications.Slack;

/// <summary>
/// <c>Notifications:Slack:*</c>: approval messages with Approve / Reject buttons (Block Kit), posted to an incoming
/// webhook or a chat.postMessage-compatible URL, and the interactivity endpoint that turns a click into a decision.
/// The bot token, the signing secret and an incoming-webhook URL are secrets: read from configuration, environment or
/// a file at every use (so rotation needs no restart), never logged, never stored in the database or the audit trail.
/// </summary>
public sealed class SlackOptions
{
    /// <summary>An incoming-webhook URL (<c>https://hooks.slack.com/services/…</c>). Whoever has it can post: a secret.</summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>A chat.postMessage-compatible URL (<c>https://slack.com/api/chat.postMessage</c>), with <see cref="Channel"/> and a bot token.</summary>
    public string PostMessageUrl { get; set; } = "";

    /// <summary>The channel id chat.postMessage posts to (ignored for an incoming webhook, which names its own).</summary>
    public string Channel { get; set; } = "";

    public string BotToken { get; set; } = "";

    public string BotTokenFile { get; set; } = "";

    /// <summary>The Slack app's signing secret; without it (or <see cref="SigningSecretFile"/>) messages carry no buttons and interactions are refused.</summary>
    public string SigningSecret { get; set; } = "";

    public string SigningSecretFile { get; set; } = "";

    /// <summary><c>Users:&lt;Slack user id&gt;</c> = approver id. A Slack user not listed decides nothing.</summary>
    public Dictionary<string, string> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The console's address as people reach it; when set, each message links to the task page.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>
    /// Show the exact, unredacted action (and offer Approve / Reject). Off: the message carries the redacted text that
    /// webhooks and e-mail carry, and only the console link, since nobody should approve what they were not shown.
    /// </summary>
    public bool ExactAction { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl) || !string.IsNullOrWhiteSpace(PostMessageUrl);

    public bool Interactive => !string.IsNullOrWhiteSpace(SigningSecret) || !string.IsNullOrWhiteSpace(SigningSecretFile);

    /// <summary>Where messages go; never logged (an incoming-webhook URL is a credential).</summary>
    public string TargetUrl => string.IsNullOrWhiteSpace(WebhookUrl) ? PostMessageUrl.Trim() : WebhookUrl.Trim();

    public string? SigningSecretValue(out string? problem) => SecretSetting.Read(SigningSecret, SigningSecretFile, "Notifications:Slack:SigningSecretFile", out problem);

    public string? BotTokenValue(out string? problem) => SecretSetting.Read(BotToken, BotTokenFile, "Notifications:Slack:BotTokenFile", out problem);

    /// <summary>The approver a Slack user acts as, or null: unmapped users decide nothing.</summary>
    public string? ApproverFor(string slackUserId) =>
        Users.TryGetValue(slackUserId, out var approver) && !string.IsNullOrWhiteSpace(approver) ? approver.Trim() : null;

    public IEnumerable<string> Problems()
    {
        const string at = "Notifications:Slack:";
        if (!string.IsNullOrWhiteSpace(WebhookUrl) && !string.IsNullOrWhiteSpace(PostMessageUrl))
        {
            yield return $"{at}WebhookUrl and {at}PostMessageUrl are both set: configure one.";
        }

        if (Enabled && !IsHttpUrl(TargetUrl))
        {
            yield return $"{at}{(string.IsNullOrWhiteSpace(WebhookUrl) ? "PostMessageUrl" : "WebhookUrl")} must be an absolute http(s) URL.";
        }

        if (!string.IsNullOrWhiteSpace(PostMessageUrl))
        {
            if (string.IsNullOrWhiteSpace(Channel))
            {
                yield return $"{at}Channel is required with {at}PostMessageUrl (the channel id to post to).";
            }

            if (BotTokenValue(out var tokenProblem) is null)
            {
                yield return tokenProblem ?? $"{at}BotToken (or BotTokenFile) is required with {at}PostMessageUrl.";
            }
        }

        if (Interactive && SigningSecretValue(out var secretProblem) is not { Length: >= 16 })
        {
            yield return secretProblem ?? $"{at}SigningSecret must be at least 16 characters (the Slack app's signing secret).";
        }

        foreach (var (user, approver) in Users.Where(u => string.IsNullOrWhiteSpace(u.Key) || string.IsNullOrWhiteSpace(u.Value)))
        {
            yield return $"{at}Users:{user} must name an approver id.";
        }

        if (!string.IsNullOrWhiteSpace(PublicBaseUrl) && !IsHttpUrl(PublicBaseUrl))
        {
            yield return $"{at}PublicBaseUrl must be the console's absolute http(s) address.";
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
