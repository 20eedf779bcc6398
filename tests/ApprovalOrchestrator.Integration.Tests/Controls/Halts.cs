using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Controls;

/// <summary>The kill switch over HTTP, for the tests: halt, resume and list as the host's admin.</summary>
internal static class Halts
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<JsonElement> HaltOkAsync(HttpClient admin, string scope, string? target, string reason)
    {
        var response = await admin.PostAsJsonAsync("/api/controls/halt", new { scope, target, reason }, Ct);
        var body = await OrchestratorHost.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Halt answered {(int)response.StatusCode}: {body}");
        return body;
    }

    public static async Task<JsonElement> ResumeOkAsync(HttpClient admin, object body)
    {
        var response = await admin.PostAsJsonAsync("/api/controls/resume", body, Ct);
        var answer = await OrchestratorHost.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Resume answered {(int)response.StatusCode}: {answer}");
        return answer;
    }

    public static async Task<JsonElement> ListAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/controls", Ct);
        response.EnsureSuccessStatusCode();
        return await OrchestratorHost.ReadAsync(response);
    }

    /// <summary>The request's audit timeline, as the request API shows it.</summary>
    public static List<(string Kind, string Actor, JsonElement Data)> Timeline(JsonElement request) =>
        request.GetProperty("timeline").EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("actor").GetString()!, e.GetProperty("data"))).ToList();

    /// <summary>Which request a chat call at the fake Gateway was for (its session key names the instance).</summary>
    public static string? SessionOf(Testing.RecordedRequest call) => call.Header("x-openclaw-session-key");

    public static string Session(Guid id) => $"approval-{id:N}";
}
