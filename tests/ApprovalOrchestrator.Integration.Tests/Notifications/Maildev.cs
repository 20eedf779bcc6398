using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>
/// A real SMTP server on loopback: npm <c>maildev</c> 3.0.0 (installed into tests/tools by scripts/test.sh, or
/// <c>MAILDEV_BIN</c>), started as a child process on free ports; messages are read back through its HTTP API.
/// </summary>
public sealed class Maildev : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private Maildev(Process process, int smtpPort, int webPort)
    {
        _process = process;
        SmtpPort = smtpPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int SmtpPort { get; }

    public static string Binary => Environment.GetEnvironmentVariable("MAILDEV_BIN") is { Length: > 0 } bin
        ? bin
        : Path.Combine(RepositoryRoot.Path, "tests", "tools", "node_modules", ".bin", "maildev");

    public static async Task<Maildev> StartAsync()
    {
        Assert.True(File.Exists(Binary), $"maildev is not installed at {Binary}: run 'npm install' in tests/tools (scripts/test.sh does).");
        var (smtp, web) = (FreePort(), FreePort());
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "--smtp", smtp.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web", web.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ip", "127.0.0.1", "--web-ip", "127.0.0.1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var maildev = new Maildev(process, smtp, web);
        await Poll.TrueAsync(async () =>
        {
            Assert.False(process.HasExited, $"maildev exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                return (await maildev._http.GetAsync("/api/healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "maildev to answer", cancellationToken: TestContext.Current.CancellationToken);
        return maildev;
    }

    /// <summary>Every message received so far (maildev's <c>GET /api/email</c>).</summary>
    public async Task<JsonElement[]> MessagesAsync() =>
        await _http.GetFromJsonAsync<JsonElement[]>("/api/email", TestContext.Current.CancellationToken) ?? [];

    public Task<JsonElement[]> WaitForAsync(Func<JsonElement[], bool> done, string what) =>
        Poll.GetAsync(async () => await MessagesAsync() is var all && done(all) ? all : null, what, cancellationToken: TestContext.Current.CancellationToken);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }
}
