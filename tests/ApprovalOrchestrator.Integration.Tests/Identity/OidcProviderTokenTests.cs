using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Integration.Tests.Identity;

/// <summary>
/// Tokens from a real OpenID Connect provider (oidc-provider on loopback, started by scripts/test.sh): discovery and
/// JWKS through the JwtBearer handler, groups and roles from the configured claims, the library's expiry, audience and
/// key-rotation behaviour, and the bus's verifier on the same validation configuration.
/// </summary>
public sealed class OidcProviderTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Provider_token_is_accepted_and_its_roles_claim_decides_what_the_caller_may_do()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: OidcProvider.ServerSettings());

        var admin = await CallAsync(host, "/api/audit/security?limit=1", await OidcProvider.TokenAsync("ao-api-admin", cancellationToken: Ct));
        var approver = await OidcProvider.TokenAsync("ao-api-approver", cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.OK, admin.Status);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(host, "/api/tasks", approver)).Status);
        var refused = await CallAsync(host, "/api/audit/security?limit=1", approver);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("requires role", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_token_past_its_expiry_is_refused_as_expired()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: new Dictionary<string, string?>(OidcProvider.ServerSettings()) { ["Auth:ClockSkew"] = "00:00:00" });
        var token = await OidcProvider.TokenAsync("ao-api-short", cancellationToken: Ct); // lives 1 s
        var expires = DateTimeOffset.FromUnixTimeSeconds(OidcProvider.Part(token, 1).GetProperty("exp").GetInt64());

        await Poll.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow > expires.AddSeconds(1)), "the provider token to expire", cancellationToken: Ct);
        var response = await CallAsync(host, "/api/audit/security?limit=1", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("token expired", response.Detail);
    }

    [Fact]
    public async Task Provider_token_for_another_audience_is_refused_as_wrong_audience_over_http_and_the_bus()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: OidcProvider.ServerSettings());
        var foreign = await OidcProvider.TokenAsync("ao-api-admin", "urn:another-api", Ct);

        var response = await CallAsync(host, "/api/audit/security?limit=1", foreign);
        var bus = await host.Services.GetRequiredService<IBearerTokenVerifier>().VerifyAsync(foreign, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("wrong audience", response.Detail);
        Assert.Null(bus.Identity);
        Assert.Equal("wrong audience", bus.Failure);
    }

    [Fact]
    public async Task Bus_verifier_reads_a_provider_token_like_the_api_with_groups_and_roles()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: OidcProvider.ServerSettings());

        var check = await host.Services.GetRequiredService<IBearerTokenVerifier>().VerifyAsync(await OidcProvider.TokenAsync("ao-api-approver", cancellationToken: Ct), Ct);

        Assert.Null(check.Failure);
        Assert.Equal("ao-api-approver", check.Identity!.User);
        Assert.Equal(["team-leads"], check.Identity.Groups);
        Assert.Equal(["approver"], check.Identity.Roles);
    }

    [Fact]
    public async Task After_the_provider_rotates_its_signing_key_a_token_with_the_new_kid_is_accepted_over_http_and_the_bus()
    {
        await using var host = await OrchestratorHost.StartAsync(settings: OidcProvider.ServerSettings());
        var before = await OidcProvider.TokenAsync("ao-api-admin", cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(host, "/api/audit/security?limit=1", before)).Status); // keys fetched and cached

        var kid = await OidcProvider.RotateKeysAsync(Ct);
        var after = await OidcProvider.TokenAsync("ao-api-admin", cancellationToken: Ct);
        Assert.Equal(kid, OidcProvider.Part(after, 0).GetProperty("kid").GetString());
        Assert.NotEqual(OidcProvider.Part(before, 0).GetProperty("kid").GetString(), kid);

        // The unknown kid makes the library refetch discovery and JWKS (it may answer the very first call from the old set).
        await Poll.TrueAsync(async () => (await CallAsync(host, "/api/audit/security?limit=1", after)).Status == HttpStatusCode.OK, "the rotated key to be accepted", cancellationToken: Ct);
        var bus = await host.Services.GetRequiredService<IBearerTokenVerifier>().VerifyAsync(after, Ct);
        Assert.Null(bus.Failure);
        // The previous key is still published, so tokens signed before the rotation keep working until they expire.
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(host, "/api/audit/security?limit=1", before)).Status);
    }

    [Fact]
    public async Task Unreachable_provider_refuses_every_token_instead_of_trusting_any()
    {
        var settings = new Dictionary<string, string?>(OidcProvider.ServerSettings()) { ["Auth:Authority"] = "http://127.0.0.1:9" }; // discard port: nothing listens
        await using var host = await OrchestratorHost.StartAsync(settings: settings);

        var response = await CallAsync(host, "/api/audit/security?limit=1", await OidcProvider.TokenAsync("ao-api-admin", cancellationToken: Ct));

        // Without the provider's issuer and keys nothing validates: the library refuses at its first check (the issuer).
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("wrong issuer", response.Detail);
    }

    private static async Task<(HttpStatusCode Status, string? Detail)> CallAsync(OrchestratorHost host, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.Anonymous.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var detail = response.IsSuccessStatusCode ? null : JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
        return (response.StatusCode, detail);
    }
}
