using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApprovalOrchestrator.Runtime.Execution;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Binds the <c>Gateway</c> section (TimeSpans as "00:00:02") and registers <see cref="IGatewayClient"/> as a typed HttpClient.
    /// </summary>
    public static IServiceCollection AddGatewayClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<GatewayOptions>()
            .Bind(configuration.GetSection(GatewayOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.BaseUrl)
                           || (Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)),
                "Gateway:BaseUrl must be an absolute http(s) URL, or empty for dry-run.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Gateway:Timeout must be positive.")
            .Validate(o => o.ChatMaxAttempts >= 1, "Gateway:ChatMaxAttempts must be at least 1.")
            .Validate(o => o.RetryBaseDelay >= TimeSpan.Zero && o.MaxRetryDelay >= TimeSpan.Zero, "Gateway retry delays must not be negative.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient<IGatewayClient, OpenClawGatewayClient>(client =>
            {
                // Per-attempt timeouts are ours (CancellationTokenSource on the TimeProvider); this one must never fire first.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The factory's own loggers would duplicate our per-attempt line and could log headers: drop them.
            .RemoveAllLoggers();

        return services;
    }
}
