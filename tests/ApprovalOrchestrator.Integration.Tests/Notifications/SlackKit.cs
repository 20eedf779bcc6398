using System.Globalization;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Notifications.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Notifications;

/// <summary>
/// Configuration, payloads and signing for the Slack tests: requests are built and signed the way Slack does (form field
/// <c>payload=</c>, <c>v0</c> HMAC over <c>v0:{timestamp}:{raw body}</c>), independently of the server's own code.
/// </summary>
public static class SlackKit
{
    public const string SigningSecret = "slack-signing-secret-0f5e8a7d6c5b4a39";
    public const string Amber = "Send the invoice to the vendor, copy bob@example.com.";
    public const string Red = "Transfer funds to the supplier account.";

    /// <summary>Slack user ids and the approvers they are mapped to; <c>U0MALLORY</c> is deliberately absent.</summary>
    public static readonly IReadOnlyDictionary<string, string> Users = new Dictionary<string, string>
    {
        ["U0TINA"] = "tina", ["U0TOM"] = "tom", ["U0ALICE"] = "alice", ["U0MO"] = "mo", ["U0SAM"] = "sam", ["U0SUE"] = "sue",
    };

    public static Dictionary<string, string?> Settings(SlackStandIn slack, bool interactive = true, string? consoleUrl = "https://approvals.example.com")
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:Slack:WebhookUrl"] = slack.WebhookUrl,
            ["Notifications:Slack:SigningSecret"] = interactive ? SigningSecret : null,
            ["Notifications:Slack:PublicBaseUrl"] = consoleUrl,
            ["Notifications:RetryBaseDelay"] = "00:00:00.100",
            ["Notifications:MaxRetryDelay"] = "00:00:00.400",
            ["Notifications:PollInterval"] = "00:00:00.050",
            // The groups a Slack click decides in come from the directory, not from Slack.
            ["Directory:Groups:team-leads"] = "tina, tom, alice",
            ["Directory:Groups:managers"] = "mo",
            ["Directory:Groups:security-officers"] = "sam, sue, sid",
        };
        foreach (var (user, approver) in Users)
        {
            settings[$"Notifications:Slack:Users:{user}"] = approver;
        }

        return settings;
    }

    /// <summary>A <c>block_actions</c> payload shaped like Slack's (trimmed to the fields an app reads, plus some it ignores).</summary>
    public static string Payload(string userId, string actionId, string? value, string? reason = null, string? userName = null) =>
        JsonSerializer.Serialize(new
        {
            type = "block_actions",
            user = new { id = userId, username = userName ?? userId.ToLowerInvariant(), team_id = "T0AO" },
            team = new { id = "T0AO", domain = "ao-tests" },
            api_app_id = "A0AO",
            trigger_id = $"{Random.Shared.NextInt64()}.{Random.Shared.NextInt64()}",
            response_url = "https://hooks.slack.com/actions/T0AO/1/abc",
            container = new { type = "message", message_ts = "1796212800.000100" },
            actions = new[] { new { type = "button", action_id = actionId, block_id = SlackActions.DecisionBlock, value, action_ts = "1796212801.000200" } },
            state = new { values = new Dictionary<string, object> { [SlackActions.ReasonBlock] = new Dictionary<string, object> { [SlackActions.ReasonInput] = new { type = "plain_text_input", value = reason } } } },
        });

    /// <summary>Form-encoded as Slack sends it (<c>application/x-www-form-urlencoded</c>, spaces as <c>+</c>).</summary>
    public static byte[] Form(string payload) => Encoding.UTF8.GetBytes("payload=" + System.Net.WebUtility.UrlEncode(payload));

    public static string UnixSeconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Slack's signature, computed here from the documented recipe (not with the server's code).</summary>
    public static string Signature(string secret, string timestamp, byte[] body)
    {
        var message = Encoding.ASCII.GetBytes($"v0:{timestamp}:").Concat(body).ToArray();
        return "v0=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>POSTs <paramref name="body"/> with the given headers (null leaves one out), as Slack's servers would.</summary>
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(OrchestratorHost host, byte[] body, string? timestamp, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, SlackPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        if (timestamp is not null)
        {
            request.Headers.TryAddWithoutValidation(SlackSignature.TimestampHeader, timestamp);
        }

        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(SlackSignature.SignatureHeader, signature);
        }

        var response = await host.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        return (response, await OrchestratorHost.ReadAsync(response));
    }

    /// <summary>One click, signed now with the right secret.</summary>
    public static Task<(HttpResponseMessage Response, JsonElement Body)> ClickAsync(OrchestratorHost host, string userId, string actionId, string? value, string? reason = null)
    {
        var body = Form(Payload(userId, actionId, value, reason));
        var timestamp = UnixSeconds(DateTimeOffset.UtcNow);
        return PostAsync(host, body, timestamp, Signature(SigningSecret, timestamp, body));
    }

    public const string SlackPath = "/integrations/slack/interactions";

    /// <summary>The value of the button <paramref name="actionId"/> in a posted message.</summary>
    public static string ButtonValue(JsonElement message, string actionId) =>
        Buttons(message).Single(b => b.GetProperty("action_id").GetString() == actionId).GetProperty("value").GetString()!;

    public static IEnumerable<JsonElement> Buttons(JsonElement message) =>
        message.GetProperty("blocks").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "actions")
            .SelectMany(b => b.GetProperty("elements").EnumerateArray());

    /// <summary>The button value a message for this task carries, built as our messages build it.</summary>
    public static async Task<string> ValueForAsync(OrchestratorHost host, Guid taskId) => new SlackButtonValue(taskId, await host.ActionHashAsync(taskId)).Encode();

    public static async Task<JsonElement[]> DecisionsAsync(OrchestratorHost host, Guid requestId) =>
        (await host.GetRequestAsync(requestId)).GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "decision").ToArray();

    public static async Task<IReadOnlyList<SecurityEvent>> SecurityEventsAsync(OrchestratorHost host) =>
        (await host.Services.GetRequiredService<SecurityEventLog>().ListAsync(0, 100)).Where(e => e.Path == SlackPath).ToList();

}
