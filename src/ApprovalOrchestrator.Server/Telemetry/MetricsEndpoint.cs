using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApprovalOrchestrator.Server.Telemetry;

/// <summary>
/// <c>/metrics</c> in Prometheus text format, for a scraper holding <c>Metrics:ScrapeToken</c> as a bearer token.
/// Not behind sign-in (a scraper has no user), so the token check below is the whole gate: absent, wrong or empty
/// credentials get 401 before the exporter runs.
/// </summary>
public static class MetricsEndpoint
{
    public static WebApplication MapOrchestratorMetrics(this WebApplication app)
    {
        // Created here so its gauges exist from the start, whichever exporter reads them.
        app.Services.GetRequiredService<PendingApprovalsGauge>();
        var options = app.Services.GetRequiredService<MetricsOptions>();
        if (string.IsNullOrEmpty(options.ScrapeToken))
        {
            return app;
        }

        var expected = Encoding.UTF8.GetBytes("Bearer " + options.ScrapeToken);
        app.MapPrometheusScrapingEndpoint(options.Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var presented = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
            if (!CryptographicOperations.FixedTimeEquals(presented, expected))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
                await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid scrape token is required.", detail: "Send Metrics:ScrapeToken as a bearer token.")
                    .ExecuteAsync(context);
                return;
            }

            await next(context);
        }), optionsName: null).AllowAnonymous();
        return app;
    }
}
