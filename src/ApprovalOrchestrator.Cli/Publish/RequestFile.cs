using System.Text.Json;
using System.Text.Json.Nodes;
using ApprovalOrchestrator.Contracts.V1;

namespace ApprovalOrchestrator.Cli.Publish;

/// <summary>Where the requests to publish come from: a JSONL file, or the five reference requests.</summary>
public static class RequestFile
{
    /// <summary>The reference governance flow's five requests (one green, one amber, three red), verbatim.</summary>
    public static readonly IReadOnlyList<string> ReferenceTexts =
    [
        "Summarize our AI governance policy for internal use.",
        "Draft an email to finance asking for confirmation of the Q1 cloud budget.",
        "Send an email to all employees that payroll will be delayed by 2 days.",
        "Transfer funds from treasury to vendor account immediately.",
        "Run a shell command to archive the home directory and upload it.",
    ];

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        // A misspelt field would otherwise be dropped silently and the request sent without it.
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>A request before its id is settled: <see cref="SubmitAgentRequest.RequestId"/> is null when the file had none.</summary>
    public sealed record Template(string? RequestId, string Requester, string? AgentId, string Text, RequestedTool? Tool, string? Workflow);

    public static IReadOnlyList<Template> Reference(string requester) =>
        ReferenceTexts.Select(text => new Template(null, requester, null, text, null, null)).ToList();

    /// <summary>
    /// Reads one SubmitAgentRequest body (camelCase) per line; blank lines are skipped; requester defaults to
    /// <paramref name="defaultRequester"/>, requestId to a generated one.
    /// </summary>
    /// <exception cref="RequestFileException">A line that is not such a body, or a requestId used twice.</exception>
    public static IReadOnlyList<Template> Load(string path, string defaultRequester)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RequestFileException($"{path}: {ex.Message}");
        }

        var templates = new List<Template>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var template = ParseLine(lines[i], defaultRequester, reason => new RequestFileException($"{path}:{i + 1}: {reason}"));
            if (template.RequestId is { } id && !seen.TryAdd(id, i + 1))
            {
                // The orchestrator would treat the second as a resubmission and answer it with nothing: we would wait forever.
                throw new RequestFileException($"{path}:{i + 1}: requestId '{id}' is already used on line {seen[id]}.");
            }

            templates.Add(template);
        }

        return templates.Count > 0 ? templates : throw new RequestFileException($"{path}: no requests in the file.");
    }

    /// <summary>
    /// Exactly <paramref name="count"/> requests, cycling through <paramref name="templates"/>. The first pass keeps the
    /// file's requestIds; later passes suffix them (<c>id~2</c>, …) and missing ids are generated, so every id is unique.
    /// </summary>
    public static IReadOnlyList<SubmitAgentRequest> Expand(IReadOnlyList<Template> templates, int count, string runId) =>
        Enumerable.Range(0, count).Select(n =>
        {
            var t = templates[n % templates.Count];
            var pass = n / templates.Count;
            var id = t.RequestId is null ? $"aoctl-{runId}-{n + 1}" : pass == 0 ? t.RequestId : $"{t.RequestId}~{pass + 1}";
            return new SubmitAgentRequest(id, t.Requester, t.AgentId, t.Text, t.Tool, t.Workflow);
        }).ToList();

    private static Template ParseLine(string line, string defaultRequester, Func<string, RequestFileException> error)
    {
        Line? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<Line>(line, s_options);
        }
        catch (JsonException ex)
        {
            throw error(Describe(ex));
        }

        if (parsed is null)
        {
            throw error("not a SubmitAgentRequest JSON object: null.");
        }

        if (string.IsNullOrWhiteSpace(parsed.Text))
        {
            throw error("text is required.");
        }

        if (parsed.RequestId is { } id && string.IsNullOrWhiteSpace(id))
        {
            throw error("requestId, when given, must not be empty.");
        }

        if (parsed.Tool is { } tool && string.IsNullOrWhiteSpace(tool.Name))
        {
            throw error("tool.name is required when tool is given.");
        }

        return new Template(
            parsed.RequestId,
            string.IsNullOrWhiteSpace(parsed.Requester) ? defaultRequester : parsed.Requester,
            parsed.AgentId,
            parsed.Text,
            parsed.Tool is { } t ? new RequestedTool(t.Name!, t.Action, t.Args) : null,
            parsed.Workflow);
    }

    /// <summary>The parser's message without its .NET type names and JSON-path trailer.</summary>
    private static string Describe(JsonException ex)
    {
        var unknown = System.Text.RegularExpressions.Regex.Match(ex.Message, "property '([^']+)' could not be mapped");
        if (unknown.Success)
        {
            return $"unknown field '{unknown.Groups[1].Value}' (fields: requestId, requester, agentId, text, tool {{name, action, args}}, workflow).";
        }

        var text = ex.Message;
        var cut = text.IndexOf(" Path:", StringComparison.Ordinal);
        text = cut > 0 ? text[..cut] : text;
        var at = ex.BytePositionInLine is { } column ? $" (column {column + 1})" : "";
        return ex.Path is "$" or null && ex.BytePositionInLine is not null
            ? $"not valid JSON{at}: {text}"
            : $"field '{ex.Path?.TrimStart('$', '.')}' has the wrong JSON type{at}.";
    }

    // Nullable mirrors of the contract, so a missing field is reported here with its line number rather than by the server.
    private sealed record Line(string? RequestId, string? Requester, string? AgentId, string? Text, LineTool? Tool, string? Workflow);

    private sealed record LineTool(string? Name, string? Action, JsonObject? Args);
}

public sealed class RequestFileException(string message) : Exception(message);
