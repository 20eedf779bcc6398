using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;

namespace ApprovalOrchestrator.Integration.Tests.Definitions;

/// <summary>Calls to <c>/api/definitions</c>: sources go as the raw body (YAML), other parameters in the query.</summary>
internal static class DefinitionApi
{
    public const string Id = "agent-action-approval";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static StringContent Yaml(string source) => new(source, new UTF8Encoding(false), "application/yaml");

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendSourceAsync(HttpClient client, HttpMethod method, string path, string source)
    {
        using var request = new HttpRequestMessage(method, path) { Content = Yaml(source) };
        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, await OrchestratorHost.ReadAsync(response));
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostSourceAsync(HttpClient client, string path, string source) =>
        SendSourceAsync(client, HttpMethod.Post, path, source);

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body, Ct);
        return (response.StatusCode, await OrchestratorHost.ReadAsync(response));
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return (response.StatusCode, await OrchestratorHost.ReadAsync(response));
    }

    /// <summary>Publishes as the host's admin; asserts a new version was created and returns it.</summary>
    public static async Task<(int Version, string Hash)> PublishAsync(OrchestratorHost host, string source, string comment = "test change")
    {
        var (status, body) = await PostSourceAsync(host.Admin, $"/api/definitions/publish?comment={Uri.EscapeDataString(comment)}", source);
        Assert.True(status == HttpStatusCode.Created, $"publish answered {(int)status}: {body}");
        return (body.GetProperty("version").GetInt32(), body.GetProperty("hash").GetString()!);
    }

    /// <summary>The reference definition with amber needing two managers instead of one team lead first.</summary>
    public static string TwoManagersForAmber => CatalogKit.ReferenceSource.Replace(
        "- { group: team-leads, requiredApprovals: 1, timeout: PT4H }",
        "- { group: managers, requiredApprovals: 2, timeout: PT4H }",
        StringComparison.Ordinal);
}
