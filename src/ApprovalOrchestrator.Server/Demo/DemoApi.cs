using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ApprovalOrchestrator.Server.Demo;

/// <summary>One person's HTTP client: the demo goes through the same API, identity and rules as everyone else.</summary>
public sealed class DemoApi : IDisposable
{
    private readonly HttpClient _http;

    public DemoApi(string user, string token, Uri server)
    {
        User = user;
        _http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string User { get; }

    public async Task<JsonElement> GetAsync(string path) => (await SendAsync(HttpMethod.Get, path, null)).Body;

    public async Task<string> GetTextAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text : throw new DemoFailure($"{User}: GET {path} answered {(int)response.StatusCode}: {Detail(text)}");
    }

    /// <summary>Any answer, refusals included: the demo shows refusals as part of the story.</summary>
    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        if ((int)response.StatusCode >= 500)
        {
            throw new DemoFailure($"{User}: {method} {path} answered {(int)response.StatusCode}: {Detail(text)}");
        }

        return ((int)response.StatusCode, json);
    }

    /// <summary>A call that must succeed: anything else ends the demo with the server's own words.</summary>
    public async Task<JsonElement> MustAsync(HttpMethod method, string path, object? body)
    {
        var (status, json) = await SendAsync(method, path, body);
        return status is >= 200 and < 300 ? json : throw new DemoFailure($"{User}: {method} {path} answered {status}: {Detail(json)}");
    }

    public static string Detail(JsonElement problem) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var d) ? d.GetString() ?? ""
        : problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("title", out var t) ? t.GetString() ?? ""
        : problem.ToString();

    private static string Detail(string text) => DemoTable.Clip(text, 200);

    public void Dispose() => _http.Dispose();
}
