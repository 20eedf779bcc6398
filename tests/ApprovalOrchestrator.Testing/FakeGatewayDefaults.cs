using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApprovalOrchestrator.Testing;

/// <summary>The documented (unscripted) answers of the fake Gateway: validation errors and 200 shapes, per REFERENCE.md §3.</summary>
public static class FakeGatewayDefaults
{
    /// <summary>Tools the real Gateway denies over HTTP by default: they answer 404 "Tool not available: X".</summary>
    public static readonly IReadOnlyList<string> DeniedOverHttp =
        ["exec", "spawn", "shell", "fs_write", "fs_delete", "fs_move", "apply_patch"];

    /// <summary>The deterministic assistant reply to a chat call, so tests can predict it.</summary>
    public static string ChatReply(string model, string userContent) => $"[fake-openclaw {model}] received: {userContent}";

    public static string ChatError(string message, string type) =>
        new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type } }.ToJsonString();

    public static string ToolError(string message, string type) =>
        new JsonObject { ["ok"] = false, ["error"] = new JsonObject { ["type"] = type, ["message"] = message } }.ToJsonString();

    public static string ErrorTypeFor(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        408 => "api_error",
        429 => "rate_limit",
        >= 500 => "api_error",
        _ => "error",
    };

    internal static (int Status, string Body, string ContentType) Chat(JsonElement? body, string raw, int sequence, DateTimeOffset now)
    {
        const string json = "application/json";
        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            return (400, ChatError("Malformed JSON body", "invalid_request_error"), json);
        }

        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        if (!IsValidModel(model))
        {
            return (400, ChatError($"Invalid model: '{model}'", "invalid_request_error"), json);
        }

        if (root.TryGetProperty("temperature", out var t)
            && (t.ValueKind != JsonValueKind.Number || t.GetDouble() is < 0 or > 2))
        {
            return (400, ChatError("temperature must be between 0 and 2", "invalid_request_error"), json);
        }

        var user = LastUserMessage(root);
        if (user is null)
        {
            return (400, ChatError("Missing user message", "invalid_request_error"), json);
        }

        var id = $"chatcmpl_fake_{sequence}";
        var created = now.ToUnixTimeSeconds();
        var reply = ChatReply(model, user);
        var promptTokens = Tokens(raw);
        var completionTokens = Tokens(reply);

        if (root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True)
        {
            var chunk = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion.chunk",
                ["created"] = created,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["delta"] = new JsonObject { ["role"] = "assistant", ["content"] = reply },
                    ["finish_reason"] = "stop",
                }),
            };
            return (200, $"data: {chunk.ToJsonString()}\n\ndata: [DONE]\n\n", "text/event-stream");
        }

        var answer = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };
        return (200, answer.ToJsonString(), json);
    }

    internal static (int Status, string Body) Tool(JsonElement? body, int byteCount, bool unavailable, int invocation)
    {
        if (byteCount > FakeGateway.ToolBodyLimitBytes)
        {
            return (413, ToolError("Request body exceeds 2 MB", "payload_too_large"));
        }

        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            // Malformed JSON comes back in the chat-style shape, as on the real Gateway.
            return (400, ChatError("Malformed JSON body", "invalid_request_error"));
        }

        var tool = root.TryGetProperty("tool", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        if (tool.Length == 0)
        {
            return (400, ToolError("tool is required", "invalid_request"));
        }

        if (unavailable)
        {
            return (404, ToolError($"Tool not available: {tool}", "not_found"));
        }

        var action = root.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        var details = new JsonObject
        {
            ["tool"] = tool,
            ["action"] = action,
            ["args"] = root.TryGetProperty("args", out var args) ? JsonNode.Parse(args.GetRawText()) : new JsonObject(),
            ["sessionKey"] = root.TryGetProperty("sessionKey", out var sk) ? JsonNode.Parse(sk.GetRawText()) : null,
            ["idempotencyKey"] = root.TryGetProperty("idempotencyKey", out var ik) ? JsonNode.Parse(ik.GetRawText()) : null,
            ["invocation"] = invocation,
        };
        var answer = new JsonObject
        {
            ["ok"] = true,
            ["result"] = new JsonObject
            {
                ["content"] = new JsonArray(new JsonObject
                {
                    ["type"] = "text",
                    ["text"] = action is null ? $"fake-openclaw ran {tool}" : $"fake-openclaw ran {tool} ({action})",
                }),
                ["details"] = details,
            },
        };
        return (200, answer.ToJsonString());
    }

    private static bool IsValidModel(string model) =>
        model == "openclaw"
        || (model.StartsWith("openclaw:", StringComparison.Ordinal) && model.Length > "openclaw:".Length)
        || (model.StartsWith("openclaw/", StringComparison.Ordinal) && model.Length > "openclaw/".Length);

    private static string? LastUserMessage(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        string? found = null;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String && role.GetString() == "user"
                && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(content.GetString()))
            {
                found = content.GetString();
            }
        }

        return found;
    }

    // A rough, deterministic stand-in for token counting.
    private static int Tokens(string text) => Math.Max(1, Encoding.UTF8.GetByteCount(text) / 4);
}
