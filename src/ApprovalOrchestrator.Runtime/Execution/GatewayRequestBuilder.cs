using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// Turns a <see cref="GatewayCall"/> into the exact bytes we send, plus the record of them kept in the outcome (the
/// token masked). Building both from the same bytes keeps the audit record honest. The call's text and args are already
/// the guardrails' redacted ones, so the record holds no value the definition redacts.
/// </summary>
internal static class GatewayRequestBuilder
{
    public const string ChatPath = "/v1/chat/completions";
    public const string ToolPath = "/tools/invoke";
    public const string SessionKeyHeader = "x-openclaw-session-key";
    public const string ModelHeader = "x-openclaw-model";
    public const string RedactedAuthorization = "Bearer " + GatewayToken.Redacted;

    public static PreparedGatewayRequest Build(GatewayCall call, string baseUrl)
    {
        var path = call.IsToolInvocation ? ToolPath : ChatPath;
        var url = baseUrl.TrimEnd('/') + path;
        var body = call.IsToolInvocation ? ToolBody(call) : ChatBody(call);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Authorization"] = RedactedAuthorization,
            ["Content-Type"] = "application/json; charset=utf-8",
        };
        var backendModel = call.IsToolInvocation ? null : call.BackendModel;
        if (!call.IsToolInvocation)
        {
            headers[SessionKeyHeader] = call.SessionKey;
        }

        if (backendModel is not null)
        {
            headers[ModelHeader] = backendModel;
        }

        using var doc = JsonDocument.Parse(bytes);
        var record = new GatewayHttpRequest("POST", url, headers, doc.RootElement.Clone());
        return new PreparedGatewayRequest(path, new Uri(url, UriKind.Absolute), bytes, call.IsToolInvocation ? null : call.SessionKey, record, backendModel);
    }

    /// <summary>The user message: classification and request text, clearly delimited so the agent cannot confuse them.</summary>
    public static string ChatUserContent(GatewayCall call) =>
        $"Governance classification:\n{call.ClassificationJson}\n\nUser request:\n{call.Text}";

    public static string Model(string agentId) =>
        string.IsNullOrWhiteSpace(agentId) ? "openclaw" : $"openclaw:{agentId}";

    private static JsonObject ChatBody(GatewayCall call) => new()
    {
        ["model"] = Model(call.AgentId),
        ["messages"] = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = GovernancePrompt.Text },
            new JsonObject { ["role"] = "user", ["content"] = ChatUserContent(call) }),
        ["user"] = call.Requester,
        ["temperature"] = 0.2,
        ["stream"] = false,
    };

    private static JsonObject ToolBody(GatewayCall call)
    {
        var body = new JsonObject { ["tool"] = call.ToolName };
        if (call.ToolAction is not null)
        {
            body["action"] = call.ToolAction;
        }

        body["args"] = call.ToolArgs is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } args
            ? JsonNode.Parse(args.GetRawText())
            : new JsonObject();
        body["sessionKey"] = call.SessionKey;
        body["idempotencyKey"] = call.IdempotencyKey;
        return body;
    }
}

/// <summary>One request ready to send any number of times (chat) or once (tool).</summary>
internal sealed record PreparedGatewayRequest(string Path, Uri Url, byte[] Body, string? SessionKey, GatewayHttpRequest Record, string? BackendModel = null)
{
    /// <summary>A fresh message per attempt: an HttpRequestMessage cannot be sent twice.</summary>
    public HttpRequestMessage ToHttpRequestMessage(string token)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Url)
        {
            Content = new ByteArrayContent(Body),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (SessionKey is not null)
        {
            message.Headers.TryAddWithoutValidation(GatewayRequestBuilder.SessionKeyHeader, SessionKey);
        }

        if (BackendModel is not null)
        {
            message.Headers.TryAddWithoutValidation(GatewayRequestBuilder.ModelHeader, BackendModel);
        }

        return message;
    }
}
