using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ApprovalOrchestrator.Cli.Definitions;

/// <summary>A call the server refused or that never reached it; <see cref="Exception.Message"/> is one readable line.</summary>
public sealed class DefinitionsApiException(string message) : Exception(message);

/// <summary>
/// The orchestrator's HTTP API with a bearer token. Server and token: <c>--server</c> / <c>--token</c>, else
/// <c>AOCTL_TOKEN</c>, else <c>~/.config/aoctl/config.json</c> (<c>{"server": "...", "token": "..."}</c>, read only).
/// </summary>
public sealed class DefinitionsApiClient : IDisposable
{
    public const string DefaultServer = "http://127.0.0.1:5080";

    public static readonly Option<string?> ServerOption = new("--server") { Description = $"The orchestrator's URL (default {DefaultServer}, or the config file's).", Recursive = true };

    public static readonly Option<string?> TokenOption = new("--token") { Description = "Bearer token (default: $AOCTL_TOKEN, or the config file's).", Recursive = true };

    private readonly HttpClient _http;

    public DefinitionsApiClient(string server, string? token)
    {
        _http = new HttpClient { BaseAddress = new Uri(server.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>Options first, then the environment, then the config file another command may have written.</summary>
    public static DefinitionsApiClient From(ParseResult parse)
    {
        // The same file `aoctl login` writes, read by the same code.
        var config = Identity.ConfigFile.Load();
        var server = parse.GetValue(ServerOption) ?? config?.Server ?? DefaultServer;
        var token = parse.GetValue(TokenOption) ?? Environment.GetEnvironmentVariable("AOCTL_TOKEN") ?? config?.Token;
        return new DefinitionsApiClient(server, token);
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken ct) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);

    public Task<JsonElement> PostJsonAsync(string path, object body, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") }, ct);

    /// <summary>A definition file as the raw body: JSON files as application/json, anything else as YAML.</summary>
    public Task<JsonElement> PostSourceAsync(string path, string source, bool isJson, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(source, new UTF8Encoding(false), isJson ? "application/json" : "application/yaml") }, ct);

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException ex)
            {
                throw new DefinitionsApiException($"cannot reach {_http.BaseAddress}: {ex.Message}");
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new DefinitionsApiException($"{_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0}s");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new DefinitionsApiException(Describe((int)response.StatusCode, text));
                }

                return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            }
        }
    }

    /// <summary>Problem-details as one line: status, title, detail (which names every error), else the body's start.</summary>
    private static string Describe(int status, string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var hint = status == 401 ? " (pass --token or set AOCTL_TOKEN)" : "";
            return $"{status} {title}{(detail is null ? "" : ": " + detail)}{hint}".Replace('\n', ' ');
        }
        catch (JsonException)
        {
            var start = body.Length > 200 ? body[..200] + "…" : body;
            return $"{status} {start}".Replace('\n', ' ');
        }
    }

    public void Dispose() => _http.Dispose();
}
