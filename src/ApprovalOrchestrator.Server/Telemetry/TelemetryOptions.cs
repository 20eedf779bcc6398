namespace ApprovalOrchestrator.Server.Telemetry;

/// <summary>
/// <c>OpenTelemetry:*</c>: where traces and metrics go over OTLP (unset: nowhere). <c>Metrics:*</c>: the Prometheus
/// scrape endpoint, served only when a scrape token is configured (deny by default: metrics name groups and volumes).
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>OTLP endpoint (e.g. http://127.0.0.1:4317); unset: no OTLP export.</summary>
    public string? Endpoint { get; set; }

    /// <summary>OTLP protocol: <c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string? Protocol { get; set; }

    /// <summary>The service name on every span and metric.</summary>
    public string ServiceName { get; set; } = "approval-orchestrator";
}

/// <summary><c>Metrics:*</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>The bearer token a scraper presents (Prometheus' <c>authorization.credentials</c>); unset: no /metrics.</summary>
    public string? ScrapeToken { get; set; }

    /// <summary>The scrape path.</summary>
    public string Path { get; set; } = "/metrics";
}
