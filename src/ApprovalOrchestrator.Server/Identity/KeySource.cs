using ApprovalOrchestrator.LocalIdentity;
using System.Text.Json;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Storage;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Where verification keys and the expected issuer come from: an OIDC provider's discovery document (keys refreshed
/// when an unknown key id shows up, at most once a minute), configured keys, or the local key beside the database.
/// </summary>
public sealed class KeySource(IOptions<AuthOptions> options, SqliteDatabase database, IHttpClientFactory httpFactory, TimeProvider clock, ILogger<KeySource> logger)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private SigningKeySet? _keys;
    private string? _discoveredIssuer;
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public AuthOptions Options => options.Value;

    /// <summary>
    /// <c>Auth:Issuer</c>; else the provider's (with an authority, nothing until discovery succeeds); else, for configured
    /// or local keys, <see cref="AuthOptions.LocalIssuer"/> as docs/auth.md says.
    /// </summary>
    public string? ExpectedIssuer => Options.Issuer ?? (string.IsNullOrWhiteSpace(Options.Authority) ? AuthOptions.LocalIssuer : _discoveredIssuer);

    public string ExpectedAudience => Options.Audience ?? AuthOptions.LocalAudience;

    /// <summary>Loads (or, for the embedded default, creates) the keys at start-up, so a bad configuration fails early.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var o = Options;
        if (!string.IsNullOrWhiteSpace(o.Authority))
        {
            if (string.IsNullOrWhiteSpace(o.Audience))
            {
                throw new InvalidOperationException("Auth:Audience is required with Auth:Authority.");
            }

            try
            {
                await FetchAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                // Fail closed but keep running: every token is refused until discovery succeeds.
                logger.LogError("OIDC discovery at {Authority} failed: {Error}. Tokens are refused until it succeeds.", o.Authority, ex.Message);
            }

            return;
        }

        if (!o.UsesLocalKey)
        {
            // Each entry is checked for its declared kind; a wrong one stops the start naming the setting (never the key).
            _keys = new SigningKeySet([
                .. o.SigningKeys.Select((k, i) => SigningKeySet.HmacSecret($"Auth:SigningKeys:{i}", k)),
                .. o.SigningKeyFiles.Select((path, i) => SigningKeySet.FromPublicKeyFile($"Auth:SigningKeyFiles:{i}", path)),
                .. o.HmacKeyFiles.Select((path, i) => SigningKeySet.FromHmacFile($"Auth:HmacKeyFiles:{i}", path)),
            ]);
            logger.LogInformation("Verifying tokens with {Count} configured keys (issuer {Issuer}, audience {Audience})", _keys.Keys.Count, ExpectedIssuer, ExpectedAudience);
            return;
        }

        var path = LocalKeyPath(o, database);
        _keys = new SigningKeySet([VerificationKey.Hmac(LocalSigningKey.LoadOrCreate(path))]);
        logger.LogInformation("Verifying tokens signed with the local key file {Path}", path);
    }

    public static string LocalKeyPath(AuthOptions o, SqliteDatabase database) =>
        string.IsNullOrWhiteSpace(o.LocalKeyFile) ? LocalSigningKey.PathBeside(database.FilePath) : Path.GetFullPath(o.LocalKeyFile);

    public async Task<IEnumerable<VerificationKey>> CandidatesAsync(string? kid, string alg, CancellationToken cancellationToken)
    {
        var found = _keys?.Candidates(kid, alg).ToList() ?? [];
        if (found.Count == 0 && !string.IsNullOrWhiteSpace(Options.Authority) && clock.GetUtcNow() - _fetchedAt > TimeSpan.FromMinutes(1))
        {
            try
            {
                await FetchAsync(cancellationToken); // the provider may have rotated its keys
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                logger.LogWarning("OIDC key refresh failed: {Error}", ex.Message);
            }

            found = _keys?.Candidates(kid, alg).ToList() ?? [];
        }

        return found;
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            _fetchedAt = clock.GetUtcNow();
            var authority = Options.Authority!.TrimEnd('/');
            if (Options.RequireHttpsMetadata && !authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("Auth:Authority must use https (or set Auth:RequireHttpsMetadata=false for a local provider).");
            }

            var http = httpFactory.CreateClient(nameof(KeySource));
            var discovery = await http.GetFromJsonAsync<JsonElement>($"{authority}/.well-known/openid-configuration", cancellationToken);
            _discoveredIssuer = discovery.GetProperty("issuer").GetString();
            var jwks = await http.GetFromJsonAsync<JsonElement>(discovery.GetProperty("jwks_uri").GetString(), cancellationToken);
            _keys = new SigningKeySet(SigningKeySet.FromJwks(jwks));
        }
        finally
        {
            _refresh.Release();
        }
    }
}
