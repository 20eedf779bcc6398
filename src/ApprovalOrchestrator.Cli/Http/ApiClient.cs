using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ApprovalOrchestrator.Cli.Http;

/// <summary>
/// The orchestrator's HTTP API with a bearer token: JSON in, JSON out. A refusal becomes an <see cref="ApiException"/>
/// whose message is the problem-details answer in one line.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;

    public ApiClient(Uri server, string token)
    {
        Server = server;
        _http = new HttpClient { BaseAddress = server, Timeout = s_timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public Uri Server { get; }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) }, cancellationToken);

    /// <summary>A definition file as the raw body (the server stores and hashes exactly these bytes): JSON as application/json, else YAML.</summary>
    public Task<JsonElement> PostSourceAsync(string path, string source, bool isJson, CancellationToken cancellationToken) =>
        SendAsync(
            new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(source, new System.Text.UTF8Encoding(false), isJson ? "application/json" : "application/yaml") },
            cancellationToken);

    /// <summary>A JSON document as the raw body of a PUT (e.g. the bindings).</summary>
    public Task<JsonElement> PutJsonTextAsync(string path, string json, CancellationToken cancellationToken) =>
        SendAsync(
            new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(json, new System.Text.UTF8Encoding(false), "application/json") },
            cancellationToken);
    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);

    /// <summary>A text answer as it is (a signed checkpoint note: its bytes are what is signed).</summary>
    public Task<string> GetTextAsync(string path, CancellationToken cancellationToken) =>
        SendTextAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = await SendTextAsync(request, cancellationToken);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string> SendTextAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new ApiException(0, $"cannot reach the server at {Server}: {ex.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ApiException(0, $"the server at {Server} did not answer within {s_timeout.TotalSeconds:0} s.");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new ApiException((int)response.StatusCode, Describe(response.StatusCode, text));
                }

                return text;
            }
        }
    }

    /// <summary>"403 Forbidden: task … is not for bob" from a problem-details body (or the status alone).</summary>
    internal static string Describe(HttpStatusCode status, string body)
    {
        string? title = null, detail = null;
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                title = Text(problem.RootElement, "title");
                detail = Text(problem.RootElement, "detail");
            }
        }
        catch (JsonException)
        {
            // Not problem-details (a proxy's HTML page, say): the status says enough.
        }

        var head = $"{(int)status} {title ?? status.ToString()}";
        var line = detail is null || detail == title ? head : $"{head}: {detail}";
        return string.Join(' ', line.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    public void Dispose() => _http.Dispose();
}

/// <summary>The server refused (<see cref="Status"/> is the HTTP status) or could not be reached (0).</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
