using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ApprovalOrchestrator.Testing;

/// <summary>
/// The real OpenID Connect provider (npm oidc-provider, tests/oidc-provider/server.js) that scripts/test.sh starts on
/// loopback and exports as <c>AO_OIDC_URL</c>. Without it the identity tests fail (never skip).
/// </summary>
public static class OidcProvider
{
    /// <summary>The audience (resource indicator) the provider puts in API tokens by default.</summary>
    public const string Audience = "urn:approval-orchestrator";

    /// <summary>The console's client on the provider (authorization code + PKCE; any loopback port may be its callback).</summary>
    public const string ConsoleClientId = "ao-console";

    public const string ConsoleClientSecret = "ao-console-secret";

    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public static string Url => Environment.GetEnvironmentVariable("AO_OIDC_URL") is { Length: > 0 } url
        ? url.TrimEnd('/')
        : throw new InvalidOperationException("AO_OIDC_URL is not set. These tests need the real OIDC provider: run scripts/test.sh, which starts it (node tests/oidc-provider/server.js <port>).");

    /// <summary>The server settings that trust the provider (plain http on loopback), with the console's sign-in client.</summary>
    public static Dictionary<string, string?> ServerSettings() => new()
    {
        ["Auth:Authority"] = Url,
        ["Auth:Audience"] = Audience,
        ["Auth:RequireHttpsMetadata"] = "false",
        ["Auth:ClientId"] = ConsoleClientId,
        ["Auth:ClientSecret"] = ConsoleClientSecret,
    };

    /// <summary>
    /// An access token from the client-credentials grant of one of the provider's API clients (ao-api-approver,
    /// ao-api-admin, ao-api-short with a 1 s lifetime): sub is the client id, groups and roles as configured there.
    /// </summary>
    public static async Task<string> TokenAsync(string client, string resource = Audience, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Url}/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["resource"] = resource }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client}:{client}-secret")));
        using var response = await s_http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The provider refused a token for {client}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A new signing key (new kid) signs from now on; the old one stays published. Returns the new kid.</summary>
    public static async Task<string> RotateKeysAsync(CancellationToken cancellationToken = default)
    {
        using var response = await s_http.PostAsync($"{Url}/admin/rotate", null, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("kid").GetString()!;
    }

    /// <summary>A token's header or payload, for tests that read <c>kid</c> or <c>exp</c> (never to trust it).</summary>
    public static JsonElement Part(string token, int index) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[index])).RootElement;
}
