using ApprovalOrchestrator.LocalIdentity;

namespace ApprovalOrchestrator.Runtime.Identity;

/// <summary>
/// <c>Auth:*</c>: how bearer tokens are verified. With <see cref="Authority"/> the signing keys (and, unless set, the
/// issuer) come from the provider's OIDC discovery document; with <see cref="SigningKeys"/> or
/// <see cref="SigningKeyFiles"/> from configuration; with neither, from the local key generated beside the database.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Issuer and audience of tokens minted with the local key (embedded default).</summary>
    public const string LocalIssuer = LocalTokenIssuer.DefaultIssuer;

    public const string LocalAudience = LocalTokenIssuer.DefaultAudience;

    public string? Authority { get; set; }

    /// <summary>Expected <c>iss</c>. Defaults to the discovery document's issuer with an authority, else <see cref="LocalIssuer"/>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Expected <c>aud</c> (required when <see cref="Authority"/> is set). Defaults to <see cref="LocalAudience"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>HMAC secrets, base64 (at least 32 bytes each).</summary>
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>Files holding a PEM public key (RSA or EC). Nothing else: a file that is not a PEM public key stops the start.</summary>
    public List<string> SigningKeyFiles { get; set; } = [];

    /// <summary>Files holding a base64 HMAC secret (at least 256 bits), such as another server's <c>signing.key</c>: named as secrets on purpose.</summary>
    public List<string> HmacKeyFiles { get; set; } = [];

    /// <summary>The local key file; default <c>signing.key</c> beside the database file.</summary>
    public string? LocalKeyFile { get; set; }

    public string GroupsClaim { get; set; } = "groups";

    public string RolesClaim { get; set; } = "roles";

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The console's OpenID Connect client (authorization code + PKCE), used with <see cref="Authority"/>.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Scopes the console asks for besides <c>openid</c> (e.g. a provider's <c>groups</c> scope).</summary>
    public List<string> Scopes { get; set; } = ["profile"];

    /// <summary>Console sign-in through the provider: an authority and a client id.</summary>
    public bool UsesOidcSignIn => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);

    public bool UsesLocalKey => string.IsNullOrWhiteSpace(Authority) && SigningKeys.Count == 0 && SigningKeyFiles.Count == 0 && HmacKeyFiles.Count == 0;
}
