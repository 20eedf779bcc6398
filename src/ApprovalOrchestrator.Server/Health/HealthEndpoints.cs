using System.Text.Json;
using ApprovalOrchestrator.Core.Classification.Folding;
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
            .AddCheck<OutboxHealthCheck>("outbox", tags: [ReadyTag])
            .AddCheck<Audit.AuditLogHealthCheck>("audit-log", tags: [ReadyTag])
            .AddCheck<Controls.ControlsHealthCheck>("controls", tags: [ReadyTag]);
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

internal sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync();
            await connection.ExecuteScalarAsync<int>("SELECT 1");
            return HealthCheckResult.Healthy("SQLite answers.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("The database does not answer: " + ex.GetType().Name);
        }
    }
}

/// <summary>
/// Unready without the default binding's workflow (nothing could be classified: fail closed); degraded when a file failed to
/// import or another binding names a workflow without a version in force (its requests are refused).
/// </summary>
internal sealed class DefinitionsHealthCheck(DefinitionCatalog catalog, DefinitionImportReport report, Runtime.Bindings.BindingCatalog bindings, IOptions<WorkflowsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Conflicts (a file differs from a version a person published) are listed but do not degrade readiness: that version is intended.
        var data = new Dictionary<string, object> { ["imported"] = report.Imported, ["problems"] = report.Problems, ["conflicts"] = report.Conflicts, ["textFolding"] = TextFolding.DataVersion };
        if (TextFolding.Problem is { } folding)
        {
            // Without the Unicode data every request would be classified red (fail closed): not a state to take traffic in.
            return HealthCheckResult.Unhealthy($"Request text cannot be folded for classification: {folding}.", data: data);
        }

        var policy = (await bindings.GetLatestAsync())?.Document.ToPolicy() ?? Core.Bindings.PolicyBindings.DefaultOnly(options.Value.Default);
        if (await catalog.GetLatestAsync(policy.Default.Workflow) is null)
        {
            return HealthCheckResult.Unhealthy($"The default workflow '{policy.Default.Workflow}' is not published.", data: data);
        }

        // A bound workflow without a version in force refuses every request it would get: degraded. A missing allowChoice
        // entry only refuses requests that name it: listed, not degraded.
        var broken = await MissingAsync(policy.Agents.Select(a => a.Binding.Workflow).Concat(policy.Groups.Select(g => g.Binding.Workflow)));
        var unchoosable = await MissingAsync(policy.Agents.Select(a => a.Binding).Concat(policy.Groups.Select(g => g.Binding)).Append(policy.Default).SelectMany(b => b.AllowChoice));
        data["unboundWorkflows"] = broken;
        data["unavailableChoices"] = unchoosable;
        return report.Problems.Count > 0 || broken.Count > 0
            ? HealthCheckResult.Degraded(broken.Count > 0 ? $"Bindings name workflows with no version in force: {string.Join(", ", broken)}." : "Some workflow files were not imported.", data: data)
            : HealthCheckResult.Healthy("Definitions loaded.", data);
    }

    private async Task<List<string>> MissingAsync(IEnumerable<string> workflows)
    {
        var missing = new List<string>();
        foreach (var workflow in workflows.Distinct(StringComparer.Ordinal))
        {
            if (await catalog.GetLatestAsync(workflow) is null)
            {
                missing.Add(workflow);
            }
        }

        return missing;
    }
}
