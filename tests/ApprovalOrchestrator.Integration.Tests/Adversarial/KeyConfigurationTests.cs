using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on how verification keys are configured. A key file must say what it is: a PEM public key under
/// <c>Auth:SigningKeyFiles</c>, a base64 secret under <c>Auth:HmacKeyFiles</c>. Anything else stops the start with a
/// message naming the setting and file, never the key. Configured keys use the documented default issuer and audience.
/// </summary>
public sealed class KeyConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ao-keys-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bare_base64_public_key_in_SigningKeyFiles_is_refused_at_start_so_nobody_can_mint_with_it()
    {
        using var rsa = RSA.Create(2048);
        var publicKey = Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
        var path = Write("public.b64", publicKey);

        var error = await RefusedAtStartAsync(new() { ["Auth:SigningKeyFiles:0"] = path });

        Assert.Contains("Auth:SigningKeyFiles:0", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a PEM public key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(publicKey[..40], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_secret_in_SigningKeyFiles_is_refused_at_start_instead_of_becoming_an_hmac_key()
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var path = Write("looks-like-secret.key", secret);

        var error = await RefusedAtStartAsync(new() { ["Auth:SigningKeyFiles:0"] = path });

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:HmacKeyFiles", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Private_key_pem_in_SigningKeyFiles_is_refused_at_start()
    {
        using var rsa = RSA.Create(2048);
        var path = Write("private.pem", rsa.ExportPkcs8PrivateKeyPem());

        var error = await RefusedAtStartAsync(new() { ["Auth:SigningKeyFiles:0"] = path });

        Assert.Contains("private key", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_or_other_pem_in_SigningKeyFiles_is_refused_at_start()
    {
        var path = Write("other.pem", "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----");

        var error = await RefusedAtStartAsync(new() { ["Auth:SigningKeyFiles:0"] = path });

        Assert.Contains("not a public key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Public_key_in_base64_listed_as_an_hmac_secret_is_refused_at_start()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Write("ec-public.b64", Convert.ToBase64String(ec.ExportSubjectPublicKeyInfo()));

        var error = await RefusedAtStartAsync(new() { ["Auth:HmacKeyFiles:0"] = path });

        Assert.Contains("Auth:HmacKeyFiles:0", error.Message, StringComparison.Ordinal);
        Assert.Contains("public key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pem_public_key_listed_as_an_hmac_secret_is_refused_at_start()
    {
        using var rsa = RSA.Create(2048);
        var path = Write("public.pem", rsa.ExportSubjectPublicKeyInfoPem());

        var error = await RefusedAtStartAsync(new() { ["Auth:HmacKeyFiles:0"] = path });

        Assert.Contains("PEM key, not an HMAC secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Short_or_non_base64_inline_hmac_secrets_are_refused_at_start()
    {
        var shortKey = await RefusedAtStartAsync(new() { ["Auth:SigningKeys:0"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)) });
        Assert.Contains("Auth:SigningKeys:0", shortKey.Message, StringComparison.Ordinal);
        Assert.Contains("shorter than 256 bits", shortKey.Message, StringComparison.Ordinal);

        var notBase64 = await RefusedAtStartAsync(new() { ["Auth:SigningKeys:0"] = "correct horse battery staple, definitely a secret" });
        Assert.Contains("not base64", notBase64.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("horse", notBase64.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_hmac_key_uses_the_default_issuer_and_audience_and_refuses_wrong_issuer_or_audience()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await using var host = await OrchestratorHost.StartAsync(Database(), new Dictionary<string, string?> { ["Auth:SigningKeys:0"] = Convert.ToBase64String(key) });

        Assert.Equal(HttpStatusCode.OK, await CallAsync(host, new LocalTokenIssuer(key).Issue("ada", [], [Roles.Admin])));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(host, new LocalTokenIssuer(key, issuer: "someone-else").Issue("ada", [], [Roles.Admin])));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(host, new LocalTokenIssuer(key, audience: "another-api").Issue("ada", [], [Roles.Admin])));
        // And the server's own local key is not in force next to the configured one.
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(host, new LocalTokenIssuer(RandomNumberGenerator.GetBytes(32)).Issue("ada", [], [Roles.Admin])));
    }

    [Fact]
    public async Task Explicit_hmac_key_file_is_accepted_with_the_default_issuer()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var path = Write("shared.key", Convert.ToBase64String(key));
        await using var host = await OrchestratorHost.StartAsync(Database(), new Dictionary<string, string?> { ["Auth:HmacKeyFiles:0"] = path });

        Assert.Equal(HttpStatusCode.OK, await CallAsync(host, new LocalTokenIssuer(key).Issue("ada", [], [Roles.Admin])));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(host, new LocalTokenIssuer(key, issuer: "elsewhere").Issue("ada", [], [Roles.Admin])));
    }

    [Fact]
    public async Task Pem_public_key_verifies_rs256_tokens_and_refuses_hs256_signed_with_the_public_key_bytes()
    {
        using var rsa = RSA.Create(2048);
        var path = Write("signer.pem", rsa.ExportSubjectPublicKeyInfoPem());
        await using var host = await OrchestratorHost.StartAsync(Database(), new Dictionary<string, string?> { ["Auth:SigningKeyFiles:0"] = path });

        Assert.Equal(HttpStatusCode.OK, await CallAsync(host, Rs256(rsa, "approval-orchestrator")));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(host, Rs256(rsa, "wrong-issuer")));
        // Algorithm confusion: the public key's bytes (which anyone may have) as an HMAC secret.
        var confused = LocalTokenIssuer.Sign(Encoding.ASCII.GetBytes(File.ReadAllText(path)), new { alg = "HS256", typ = "JWT" }, Claims("approval-orchestrator"));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(host, confused));
    }

    private static async Task<HttpStatusCode> CallAsync(OrchestratorHost host, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/audit/security?limit=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.Anonymous.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private async Task<KeyConfigurationException> RefusedAtStartAsync(Dictionary<string, string?> settings) =>
        await Assert.ThrowsAsync<KeyConfigurationException>(async () => await (await OrchestratorHost.StartAsync(Database(), settings)).DisposeAsync());

    private static Dictionary<string, object> Claims(string issuer)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new() { ["iss"] = issuer, ["aud"] = "approval-orchestrator", ["sub"] = "ada", ["exp"] = now + 600, ["roles"] = new[] { Roles.Admin } };
    }

    private static string Rs256(RSA key, string issuer)
    {
        var input = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT" })) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(Claims(issuer)));
        return input + "." + B64(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private string Database() => Path.Combine(_directory, Guid.NewGuid().ToString("N"), "approvals.db");

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite handle may linger a moment; the temp folder is only litter.
        }
    }
}
