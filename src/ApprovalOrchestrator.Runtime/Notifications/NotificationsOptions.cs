using System.Net.Mail;
using ApprovalOrchestrator.Runtime.Notifications.Slack;

namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary><c>Notifications:*</c>.</summary>
public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    public List<WebhookOptions> Webhooks { get; set; } = [];

    public SmtpOptions Smtp { get; set; } = new();

    public SlackOptions Slack { get; set; } = new();

    /// <summary>Failed attempts of one delivery before it is dead-lettered with the last reason.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay after the first failure; doubles on each further failure, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the dispatcher looks for new events and due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per-attempt HTTP timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The configuration mistakes that would make a receiver unreachable or unverifiable; empty when none.</summary>
    public IEnumerable<string> Problems()
    {
        for (var i = 0; i < Webhooks.Count; i++)
        {
            var hook = Webhooks[i];
            if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"Notifications:Webhooks:{i}:Url must be an absolute http(s) URL.";
            }

            if (hook.Secret.Length < 16)
            {
                yield return $"Notifications:Webhooks:{i}:Secret must be at least 16 characters.";
            }

            foreach (var kind in hook.Events.Where(e => !NotificationKinds.All.Contains(e, StringComparer.Ordinal)))
            {
                yield return $"Notifications:Webhooks:{i}:Events names an unknown event '{kind}' (known: {string.Join(", ", NotificationKinds.All)}).";
            }
        }

        if (Smtp.Enabled)
        {
            if (!MailAddress.TryCreate(Smtp.From, out _))
            {
                yield return "Notifications:Smtp:From must be an e-mail address.";
            }

            if (!Uri.TryCreate(Smtp.PublicBaseUrl, UriKind.Absolute, out var console) || (console.Scheme != Uri.UriSchemeHttp && console.Scheme != Uri.UriSchemeHttps))
            {
                yield return "Notifications:Smtp:PublicBaseUrl must be the console's absolute http(s) address (links are built on it).";
            }

            foreach (var address in Smtp.To.Concat(Smtp.Groups.Values.SelectMany(v => v)).Where(a => !MailAddress.TryCreate(a, out _)))
            {
                yield return $"Notifications:Smtp names '{address}', which is not an e-mail address.";
            }

            if (Smtp.LinkLifetime <= TimeSpan.Zero)
            {
                yield return "Notifications:Smtp:LinkLifetime must be positive.";
            }
        }

        foreach (var problem in Slack.Problems())
        {
            yield return problem;
        }

        if (MaxAttempts < 1)
        {
            yield return "Notifications:MaxAttempts must be at least 1.";
        }

        if (RetryBaseDelay <= TimeSpan.Zero || PollInterval <= TimeSpan.Zero || Timeout <= TimeSpan.Zero)
        {
            yield return "Notifications:RetryBaseDelay, PollInterval and Timeout must be positive.";
        }
    }

    public TimeSpan BackoffAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, RetryBaseDelay.Ticks * (1L << Math.Min(attempts - 1, 30))));
}
