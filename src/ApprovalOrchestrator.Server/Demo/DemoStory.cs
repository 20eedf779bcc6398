using System.Globalization;
using System.Text.Json;

namespace ApprovalOrchestrator.Server.Demo;

/// <summary>
/// The tutorial's story told for real: classify the five reference requests, let real people approve what needs
/// approval (with the refusals the rules make), execute, export the audit trail and verify its chain.
/// </summary>
public sealed class DemoStory(DemoCast cast, TextWriter output, string auditFile)
{
    private static readonly string[] ExpectedRisk = ["green", "amber", "red", "red", "red"];
    private static readonly string[] Executed = ["executed", "dry-run"];
    private readonly List<Guid> _ids = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow.AddSeconds(-1);

    public async Task ClassifyAsync()
    {
        var run = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        for (var i = 0; i < ReferenceRequests.Texts.Count; i++)
        {
            var accepted = await cast.Riley.MustAsync(HttpMethod.Post, "/api/requests", new { requestId = $"demo-{run}-{i + 1}", text = ReferenceRequests.Texts[i] });
            _ids.Add(accepted.GetProperty("id").GetGuid());
        }

        var views = await SettledAsync(s => s is not ("received" or "executing"));
        DemoTable.Write(output, "1. Classification (deterministic policy, outside the agent)", ["#", "risk", "status", "matched terms", "reason", "request"],
            views.Select((v, i) => (IReadOnlyList<string>)[(i + 1).ToString(CultureInfo.InvariantCulture), Str(v, "risk"), Str(v, "status"), Terms(v), Str(v, "reason"), Str(v, "text")]), 48);
        for (var i = 0; i < views.Count; i++)
        {
            if (Str(views[i], "risk") != ExpectedRisk[i])
            {
                throw new DemoFailure($"request {i + 1} classified '{Str(views[i], "risk")}', the reference policy says '{ExpectedRisk[i]}'");
            }
        }
    }

    public async Task<int> WaitingAsync() =>
        (await SettledAsync(s => s is not ("received" or "executing"))).Count(v => Str(v, "status") == "awaiting-approval");

    public async Task ApproveAsync()
    {
        var rows = new List<IReadOnlyList<string>>();
        var amber = await OpenTaskAsync(1);
        rows.Add(await DecideAsync(2, amber, cast.Tina, "approve, as a team lead"));
        for (var n = 3; n <= 5; n++)
        {
            var task = await OpenTaskAsync(n - 1);
            if (n == 3)
            {
                rows.Add(await DecideAsync(n, task, cast.Riley, "approve their own request", expectRefusal: true));
            }

            rows.Add(await DecideAsync(n, task, cast.Sam, "approve, as the first security officer"));
            if (n == 3)
            {
                rows.Add(await DecideAsync(n, task, cast.Sam, "approve again (same person)"));
            }

            rows.Add(await DecideAsync(n, task, cast.Olivia, "approve, as the second security officer"));
        }

        DemoTable.Write(output, "2. Approvals (real people, real rules: distinct officers, no self-approval)", ["#", "who", "tries to", "answer", "approvals"], rows, 56);
    }

    public async Task ExecuteAsync()
    {
        var views = await SettledAsync(s => s is not ("received" or "executing" or "awaiting-approval"));
        DemoTable.Write(output, "3. Execution (through the OpenClaw Gateway; dry-run when Gateway:BaseUrl is not set)", ["#", "status", "call", "answer"],
            views.Select((v, i) => (IReadOnlyList<string>)[(i + 1).ToString(CultureInfo.InvariantCulture), Str(v, "status"), Call(v), Answer(v)]), 60);
        for (var i = 0; i < views.Count; i++)
        {
            if (!Executed.Contains(Str(views[i], "status")))
            {
                throw new DemoFailure($"request {i + 1} ended '{Str(views[i], "status")}', expected it to run: {Str(views[i], "reason")}");
            }
        }

        // Every request exactly as sent (or as it would be sent), token redacted: one on screen, all in a file.
        var requestsFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(auditFile))!, Path.GetFileNameWithoutExtension(auditFile).Replace("demo-audit", "demo-requests", StringComparison.Ordinal) + ".http");
        await File.WriteAllTextAsync(requestsFile, string.Join(Environment.NewLine + "###" + Environment.NewLine, views.Select((v, i) => $"# request {i + 1}: {Str(v, "text")}{Environment.NewLine}{HttpText(v)}")));
        var first = views.First(v => Str(v, "risk") != "green");
        output.WriteLine();
        output.WriteLine($"The exact HTTP request of #{views.IndexOf(first) + 1} (the Gateway token is never shown; all five are in {requestsFile}):");
        output.WriteLine(HttpText(first));
    }

    /// <summary>The Gateway's answer: its HTTP status and the assistant's words, or that nothing was sent.</summary>
    private static string Answer(JsonElement view)
    {
        if (!view.TryGetProperty("outcome", out var o) || o.ValueKind != JsonValueKind.Object || Str(view, "status") == "dry-run")
        {
            return "nothing sent (dry-run)";
        }

        var status = Str(o, "httpStatus");
        var text = o.TryGetProperty("response", out var r) && r.ValueKind == JsonValueKind.Object
            && r.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            && choices[0].TryGetProperty("message", out var m) && m.TryGetProperty("content", out var c) ? c.GetString() : null;
        return text is null ? $"HTTP {status}" : $"HTTP {status}: {text}";
    }

    public async Task AuditAsync()
    {
        var csv = await cast.Audrey.GetTextAsync($"/api/audit?format=csv&requester=riley&from={Uri.EscapeDataString(_started.ToString("O", CultureInfo.InvariantCulture))}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(auditFile))!);
        await File.WriteAllTextAsync(auditFile, csv);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var verify = await cast.Audrey.GetAsync("/api/audit/verify");
        DemoTable.Write(output, "4. Audit trail (hash-chained per request)", ["what", "result"],
        [
            ["exported", $"{lines.Length - 1} events of these {_ids.Count} requests to {auditFile}"],
            ["chain", verify.GetProperty("intact").GetBoolean() ? "intact" : "BROKEN"],
            ["verified", $"{verify.GetProperty("instances")} requests, {verify.GetProperty("events")} events in this database"],
        ], 100);
        if (!verify.GetProperty("intact").GetBoolean())
        {
            throw new DemoFailure($"the audit chain does not verify: {verify.GetProperty("broken")}");
        }
    }

    private async Task<IReadOnlyList<string>> DecideAsync(int n, JsonElement task, DemoApi who, string what, bool expectRefusal = false)
    {
        var id = task.GetProperty("id").GetGuid();
        // Read the task first, as aoctl and the console do: the decision binds to the action hash the approver saw.
        var (readStatus, seen) = await who.SendAsync(HttpMethod.Get, $"/api/tasks/{id}", null);
        var hash = readStatus == 200 ? seen.GetProperty("actionHash").GetString() : task.GetProperty("actionHash").GetString();
        var (status, body) = await who.SendAsync(HttpMethod.Post, $"/api/tasks/{id}/decision", new { decision = "approve", actionHash = hash, comment = "demo" });
        var answer = status == 200
            ? body.GetProperty("recorded").GetBoolean() ? "recorded" : "not counted again: already approved by them"
            : $"{status} refused: {DemoApi.Detail(body)}";
        if (expectRefusal != (status != 200))
        {
            throw new DemoFailure($"{who.User} trying to {what} on request {n} got '{answer}'");
        }

        var now = await cast.Audrey.GetAsync($"/api/tasks/{id}");
        var approvals = $"{now.GetProperty("approvals").GetArrayLength()} of {now.GetProperty("required")}";
        return [n.ToString(CultureInfo.InvariantCulture), who.User, what, answer, approvals];
    }

    private async Task<JsonElement> OpenTaskAsync(int index)
    {
        var view = await cast.Audrey.GetAsync($"/api/requests/{_ids[index]}");
        return view.GetProperty("tasks").EnumerateArray().FirstOrDefault(t => t.GetProperty("status").GetString() == "open") is { ValueKind: JsonValueKind.Object } task
            ? task
            : throw new DemoFailure($"request {index + 1} has no open approval task (status '{Str(view, "status")}')");
    }

    private async Task<List<JsonElement>> SettledAsync(Func<string, bool> settled)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var views = new List<JsonElement>();
            foreach (var id in _ids)
            {
                views.Add(await cast.Audrey.GetAsync($"/api/requests/{id}"));
            }

            if (views.All(v => settled(Str(v, "status"))))
            {
                return views;
            }

            if (DateTimeOffset.UtcNow > until)
            {
                var stuck = views.First(v => !settled(Str(v, "status")));
                throw new DemoFailure($"request {views.IndexOf(stuck) + 1} is still '{Str(stuck, "status")}' after 30 s");
            }

            await Task.Delay(100);
        }
    }

    private static string Call(JsonElement view) =>
        Request(view) is { } r ? $"{Str(r, "method")} {Str(r, "url")}" : "-";

    private static JsonElement? Request(JsonElement view) =>
        view.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("request", out var r) && r.ValueKind == JsonValueKind.Object ? r : null;

    private static string HttpText(JsonElement view)
    {
        if (Request(view) is not { } r)
        {
            return "(no request recorded)";
        }

        var lines = new List<string> { $"{Str(r, "method")} {Str(r, "url")}" };
        if (r.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
        {
            lines.AddRange(headers.EnumerateObject().Select(h => $"{h.Name}: {h.Value}"));
        }

        lines.Add("");
        lines.Add(r.TryGetProperty("body", out var body) ? JsonSerializer.Serialize(body, Indented) : "");
        return string.Join(Environment.NewLine, lines);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Terms(JsonElement view) =>
        view.TryGetProperty("matchedTerms", out var t) && t.GetArrayLength() > 0 ? string.Join(", ", t.EnumerateArray().Select(x => x.GetString())) : "-";

    private static string Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "-",
            _ => v.ToString(),
        } : "-";
}
