using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Testing;

namespace ApprovalOrchestrator.Integration.Tests.Execution;

/// <summary>Builds clients and calls for the Gateway tests. Delays are kept short: these run on the real clock.</summary>
internal static class GatewayTestKit
{
    public const string Requester = "employee-001";
    public const string SessionKey = "session-abc";
    public const string ClassificationJson = """{"risk":"Low","category":"read_only","route":"auto","reason":"lookup"}""";
    public const string RequestText = "Summarise yesterday's open tickets.";

    // One shared client, as the HttpClientFactory would hand out; infinite timeout so only the per-attempt one applies.
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static GatewayCall Chat(TimeSpan? timeout = null, string agentId = "main") =>
        new(Guid.NewGuid(), Requester, agentId, RequestText, ClassificationJson, null, null, null, SessionKey,
            "idem-" + Guid.NewGuid().ToString("N"), timeout ?? TimeSpan.FromSeconds(5));

    public static GatewayCall Tool(string tool, string? action = null, JsonElement? args = null, TimeSpan? timeout = null) =>
        new(Guid.NewGuid(), Requester, "main", "list my sessions", ClassificationJson, tool, action, args, SessionKey,
            "idem-" + Guid.NewGuid().ToString("N"), timeout ?? TimeSpan.FromSeconds(5));

    public static GatewayOptions Options(string? baseUrl, string? token = FakeGateway.DefaultToken) => new()
    {
        BaseUrl = baseUrl,
        Token = token,
        Timeout = TimeSpan.FromSeconds(5),
        ChatMaxAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromSeconds(5),
    };

    public static (OpenClawGatewayClient Client, ListLogger<OpenClawGatewayClient> Log) Client(GatewayOptions options)
    {
        var log = new ListLogger<OpenClawGatewayClient>();
        return (new OpenClawGatewayClient(Http, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, log), log);
    }

    /// <summary>A loopback port with nothing listening on it: connections are refused at once.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static string Serialize(GatewayOutcome outcome) => JsonSerializer.Serialize(outcome);
}
