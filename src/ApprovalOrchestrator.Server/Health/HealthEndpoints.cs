using System.Text.Json;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Health;

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (database, definitions and bus are usable). MassTransit adds
/// its own <c>masstransit-bus</c> check (tagged ready) with per-endpoint detail; <see cref="BusHealthCheck"/> makes a lost broker unready.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddOrchestratorHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<DefinitionsHealthCheck>("definitions", tags: [ReadyTag])
            .AddCheck<BusHealthCheck>("bus", tags: [ReadyTag])
            .AddCheck<Audit.AuditLogHealthCheck>("audit-log", tags: [ReadyTag]);
        return services;
    }

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).AllowAnonymous();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description, data = e.Value.Data }),
        }, Json.Options);
    }
}

internal sealed class DatabaseHealthCheck(SqliteDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = database.Open();
            await connection.ExecuteScalarAsync<int>("SELECT 1");
            return HealthCheckResult.Healthy("SQLite answers.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("The database does not answer: " + ex.GetType().Name);
        }
    }
}

/// <summary>Unready without the default workflow (nothing could be classified: fail closed); degraded when a file failed to import.</summary>
internal sealed class DefinitionsHealthCheck(DefinitionCatalog catalog, DefinitionImportReport report, IOptions<WorkflowsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Conflicts (a file differs from a version a person published) are listed but do not degrade readiness: that version is intended.
        var data = new Dictionary<string, object> { ["imported"] = report.Imported, ["problems"] = report.Problems, ["conflicts"] = report.Conflicts };
        if (await catalog.GetLatestAsync(options.Value.Default) is null)
        {
            return HealthCheckResult.Unhealthy($"The default workflow '{options.Value.Default}' is not published.", data: data);
        }

        return report.Problems.Count > 0
            ? HealthCheckResult.Degraded("Some workflow files were not imported.", data: data)
            : HealthCheckResult.Healthy("Definitions loaded.", data);
    }
}
