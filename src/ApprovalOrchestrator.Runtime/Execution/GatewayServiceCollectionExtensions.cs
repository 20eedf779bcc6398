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
            .Validate(o => o.MaxResponseBytes >= 1024, "Gateway:MaxResponseBytes must be at least 1024.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient<IGatewayClient, OpenClawGatewayClient>(client =>
            {
                // Per-attempt timeouts are ours (CancellationTokenSource on the TimeProvider); this one must never fire first.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // Never reuse a connection: on a reused one the handler may silently re-send a request the Gateway already read
            // (when the server closes it before answering), which for a tool call would run it twice. A fresh connection per
            // call also makes "could not connect" proof that nothing was sent (ToolOutcomeRule.NeverSent).
            // No redirects either: following a 307/308 would re-send the POST elsewhere; a 3xx is reported as it came.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, AllowAutoRedirect = false })
            // The factory's own loggers would duplicate our per-attempt line and could log headers: drop them.
            .RemoveAllLoggers();

        return services;
    }
}
