using ApprovalOrchestrator.Runtime.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ApprovalOrchestrator.Server.Telemetry;

/// <summary>
/// The OpenTelemetry SDK over our ActivitySource and Meter, MassTransit's ActivitySource, and the ASP.NET Core and
/// HttpClient instrumentation. Nothing is collected unless something is configured to receive it.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>MassTransit's ActivitySource: its send and consume spans carry the trace across the bus.</summary>
    public const string MassTransitSource = "MassTransit";

    public static IServiceCollection AddOrchestratorTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = configuration.GetSection("OpenTelemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        var metrics = configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
        services.AddSingleton(metrics);
        services.AddSingleton<PendingApprovalsGauge>();

        var otlp = !string.IsNullOrWhiteSpace(telemetry.Endpoint);
        var scrape = !string.IsNullOrEmpty(metrics.ScrapeToken);
        if (!otlp && !scrape)
        {
            return services;
        }

        var builder = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(telemetry.ServiceName));
        builder.WithMetrics(m =>
        {
            m.AddMeter(OrchestratorTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
            if (scrape)
            {
                m.AddPrometheusExporter();
            }

            if (otlp)
            {
                m.AddOtlpExporter(o => Configure(o, telemetry, "metrics"));
            }
        });
        if (otlp)
        {
            builder.WithTracing(t => t
                .AddSource(OrchestratorTelemetry.Name, MassTransitSource)
                // Health probes and static assets would drown the traces that matter.
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments(metrics.Path))
                // A Slack incoming-webhook URL is a credential; the span's url.full would export it.
                .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = r => !Runtime.Notifications.Slack.SlackChannel.IsUntraced(r))
                .AddOtlpExporter(o => Configure(o, telemetry, "traces")));
        }

        return services;
    }

    private static void Configure(OtlpExporterOptions options, TelemetryOptions telemetry, string signal)
    {
        var http = string.Equals(telemetry.Protocol, "http/protobuf", StringComparison.OrdinalIgnoreCase);
        options.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // Over HTTP the SDK uses a configured endpoint as is: one base URL serves both signals once their paths are added.
        options.Endpoint = new Uri(http ? $"{telemetry.Endpoint!.TrimEnd('/')}/v1/{signal}" : telemetry.Endpoint!);
    }
}
