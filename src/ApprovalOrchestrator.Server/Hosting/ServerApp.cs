using ApprovalOrchestrator.Runtime;
using ApprovalOrchestrator.Server.Admin;
using ApprovalOrchestrator.Server.Budgets;
using ApprovalOrchestrator.Runtime.Definitions;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Server.Audit;
using ApprovalOrchestrator.Server.Bindings;
using ApprovalOrchestrator.Server.Definitions;
using ApprovalOrchestrator.Server.Web;
using ApprovalOrchestrator.Server.Web.SignInLink;
using ApprovalOrchestrator.Server.Controls;
using ApprovalOrchestrator.Server.Delegations;
using ApprovalOrchestrator.Server.Health;
using ApprovalOrchestrator.Server.Identity;
using ApprovalOrchestrator.Server.Requests;
using ApprovalOrchestrator.Server.Tasks;
using ApprovalOrchestrator.Server.Notifications;
using ApprovalOrchestrator.Server.Notifications.Slack;
using ApprovalOrchestrator.Server.Telemetry;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Hosting;

/// <summary>Builds and starts the server; tests use the same entry with their own configuration.</summary>
public static class ServerApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // The content root is the directory the server is started from (so data/ lands there), which holds no
        // appsettings.json: the defaults shipped beside the binaries come first, everything else overrides them.
        var shipped = new JsonConfigurationSource { Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Optional = true, ReloadOnChange = false };
        shipped.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, shipped);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            // Loopback by default: exposing the orchestrator is a deliberate act (--urls or ASPNETCORE_URLS).
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        builder.Services.AddApprovalOrchestrator(builder.Configuration);
        builder.Services.AddOrchestratorHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddOrchestratorAuth();
        builder.Services.AddConsole();
        builder.Services.AddConsoleKeys(builder.Configuration);
        builder.Services.AddSingleton<SignInLinks>();
        builder.Services.AddOrchestratorTelemetry(builder.Configuration);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = Json.Options.PropertyNamingPolicy;
            o.SerializerOptions.Encoder = Json.Options.Encoder;
            foreach (var converter in Json.Options.Converters)
            {
                o.SerializerOptions.Converters.Add(converter);
            }
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseConsoleHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMailLinks();
        app.MapRequests();
        app.MapTasks();
        app.MapDelegations();
        app.MapControls();
        app.MapAudit();
        app.MapDefinitions();
        app.MapBindings();
        app.MapHealth();
        app.MapOrchestratorMetrics();
        app.MapOutboxAdmin();
        app.MapBudgets();
        app.MapNotificationsAdmin();
        app.MapSlackInteractions();
        app.MapConsole();
        app.MapSignInLink();
        return app;
    }

    /// <summary>Creates the schema and imports the workflow files. Runs before the host starts its bus, timers and recovery.</summary>
    public static async Task InitializeAsync(IServiceProvider services, string contentRoot)
    {
        // Refuse to start rather than classify without the pinned Unicode data (every request would be red).
        Core.Classification.Folding.TextFolding.EnsureAvailable();
        // Before anything touches the file: a second process on it gets one sentence, not a lock error later.
        services.GetRequiredService<DatabaseOwnership>().Acquire();
        services.GetRequiredService<Database>().EnsureCreated();
        var directory = ResolveWorkflowsDirectory(services.GetRequiredService<IOptions<WorkflowsOptions>>().Value, contentRoot);
        await services.GetRequiredService<DefinitionImporter>().ImportAsync(directory);
        var workflows = services.GetRequiredService<IOptions<WorkflowsOptions>>().Value;
        await services.GetRequiredService<Runtime.Bindings.BindingCatalog>().SeedAsync(workflows.Default, workflows.AllowChoice);
        JwtAuthentication.EnsureConfigured(services);
    }

    public static string ResolveWorkflowsDirectory(WorkflowsOptions options, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(options.Directory))
        {
            return Path.GetFullPath(options.Directory, contentRoot);
        }

        // Unconfigured: the repo's workflows/ when run from a checkout, else the copy shipped beside the binaries.
        var candidates = new[] { Path.Combine(contentRoot, "workflows"), Path.Combine(AppContext.BaseDirectory, "workflows") };
        return candidates.FirstOrDefault(Directory.Exists) ?? candidates[^1];
    }
}
