using ApprovalOrchestrator.Runtime.Notifications.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>Webhook notifications (<c>Notifications:*</c>); a bad receiver configuration stops the start with the field named.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationsOptions>().Bind(configuration.GetSection(NotificationsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationsOptions>, NotificationsOptionsValidator>();
        // Redirects are not followed: a receiver answering 3xx is a misconfiguration, and following it would send the
        // signed event somewhere nobody configured.
        services.AddHttpClient(NotificationDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        // The Slack client neither follows redirects nor logs requests: its log lines would carry the incoming-webhook URL.
        services.AddHttpClient(SlackChannel.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();
        services.AddSingleton<SlackDelivery>();
        services.AddSingleton<SlackReplayGuard>();
        services.AddSingleton<NotificationDeadLetters>();
        services.AddSingleton<MailLinks>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        return services;
    }
}
