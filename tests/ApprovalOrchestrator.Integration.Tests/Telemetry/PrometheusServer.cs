using System.Diagnostics;
using System.Text.Json;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Telemetry;

/// <summary>
/// A real Prometheus (Debian's package; scripts/test.sh installs it, PROMETHEUS_BIN overrides the path) scraping one
/// target with a bearer token, on a free loopback port with its own throwaway storage. Killed on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public static async Task<PrometheusServer> StartAsync(Uri target, string metricsPath, string scrapeToken, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ao-tests", "prometheus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: approval-orchestrator
                metrics_path: {metricsPath}
                authorization:
                  type: Bearer
                  credentials: {scrapeToken}
                static_configs:
                  - targets: ['{target.Authority}']
            """, cancellationToken);
        var port = ServerProcess.FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("PROMETHEUS_BIN") is { Length: > 0 } bin ? bin : "prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { $"--config.file={config}", $"--web.listen-address=127.0.0.1:{port}", $"--storage.tsdb.path={Path.Combine(directory, "data")}" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start prometheus (apt-get install prometheus).");
        // Drain its output so a chatty Prometheus never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"));
        await Poll.TrueAsync(async () =>
        {
            try
            {
                return (await server._http.GetAsync("/-/ready", cancellationToken)).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "prometheus to be ready", TimeSpan.FromSeconds(30), cancellationToken);
        return server;
    }

    /// <summary>The scrape target's health as Prometheus sees it ("up", "down", "unknown") and its last error.</summary>
    public async Task<(string Health, string LastError)> TargetAsync(CancellationToken cancellationToken)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync("/api/v1/targets", cancellationToken));
        // Empty until its first service discovery pass.
        var targets = doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToArray();
        return targets.Length == 0 ? ("unknown", "") : (targets[0].GetProperty("health").GetString()!, targets[0].GetProperty("lastError").GetString()!);
    }

    /// <summary>An instant query's result vector, through the HTTP API.</summary>
    public async Task<JsonElement[]> QueryAsync(string promql, CancellationToken cancellationToken)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}", cancellationToken));
        return doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind harms nothing.
        }
    }
}
