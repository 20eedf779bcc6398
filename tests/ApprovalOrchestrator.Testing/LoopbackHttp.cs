using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ApprovalOrchestrator.Testing;

/// <summary>A real Kestrel server on 127.0.0.1 (random port) answering every request with one handler: the base of HTTP stand-ins.</summary>
public static class LoopbackHttp
{
    /// <summary>Started; <c>Urls.First()</c> is its address (no trailing slash). Dispose it to stop.</summary>
    public static async Task<WebApplication> StartAsync(RequestDelegate handler, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // No config files or env vars: nothing to watch, nothing from the machine leaks in.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <summary>The request as received, for stand-ins that record what they were sent.</summary>
    public static async Task<RecordedRequest> RecordAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var raw = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        System.Text.Json.JsonElement? json = null;
        try
        {
            json = System.Text.Json.JsonDocument.Parse(raw).RootElement.Clone();
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new RecordedRequest(request.Method, request.Path, headers, json, raw, DateTimeOffset.UtcNow);
    }
}
