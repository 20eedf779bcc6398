using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Storage;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// The one token validation configuration (API, bus decisions, console token sign-in): with <c>Auth:Authority</c>, the
/// provider's discovery document and JWKS (the library refetches them when an unknown key id arrives); otherwise the
/// configured keys, or the embedded default's local HMAC key, as fixed signing keys. Runs at start-up
/// (<see cref="JwtAuthentication.EnsureConfigured"/>) so a misfiled key stops the server before it serves.
/// </summary>
public sealed class BearerOptionsSetup(IOptions<AuthOptions> auth, Database database, ILogger<BearerOptionsSetup> logger)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtAuthentication.Scheme)
        {
            return;
        }

        var o = auth.Value;
        options.MapInboundClaims = false; // keep "sub", "groups", "roles" as sent; CallerClaims maps them
        var p = options.TokenValidationParameters;
        p.ValidAudience = o.Audience ?? AuthOptions.LocalAudience;
        p.ClockSkew = o.ClockSkew;
        p.RequireExpirationTime = true;
        p.RequireSignedTokens = true;
        p.NameClaimType = Caller.UserClaim;
        p.RoleClaimType = Caller.RoleClaim;
        // Algorithm/key binding: the header's alg must fit the key that verifies it (no HS256 with an RSA public key).
        p.AlgorithmValidator = (alg, key, _, _) => ConfiguredKeys.AlgorithmFitsKey(alg, key);

        if (!string.IsNullOrWhiteSpace(o.Authority))
        {
            if (string.IsNullOrWhiteSpace(o.Audience))
            {
                throw new InvalidOperationException("Auth:Audience is required with Auth:Authority.");
            }

            options.Authority = o.Authority;
            options.RequireHttpsMetadata = o.RequireHttpsMetadata;
            p.ValidIssuer = o.Issuer; // null: the discovery document's issuer
            p.ValidAlgorithms = ConfiguredKeys.Asymmetric;
            logger.LogInformation("Verifying tokens from {Authority} (audience {Audience})", o.Authority, p.ValidAudience);
            return;
        }

        p.ValidIssuer = o.Issuer ?? AuthOptions.LocalIssuer;
        if (!o.UsesLocalKey)
        {
            // Each entry is checked for its declared kind; a wrong one stops the start naming the setting (never the key).
            p.IssuerSigningKeys =
            [
                .. o.SigningKeys.Select((k, i) => ConfiguredKeys.HmacSecret($"Auth:SigningKeys:{i}", k)),
                .. o.SigningKeyFiles.Select((path, i) => ConfiguredKeys.FromPublicKeyFile($"Auth:SigningKeyFiles:{i}", path)),
                .. o.HmacKeyFiles.Select((path, i) => ConfiguredKeys.FromHmacFile($"Auth:HmacKeyFiles:{i}", path)),
            ];
            logger.LogInformation("Verifying tokens with {Count} configured keys (issuer {Issuer}, audience {Audience})", p.IssuerSigningKeys.Count(), p.ValidIssuer, p.ValidAudience);
            return;
        }

        var file = LocalKeyPath(o, database);
        p.IssuerSigningKey = ConfiguredKeys.Hmac(LocalSigningKey.LoadOrCreate(file));
        logger.LogInformation("Verifying tokens signed with the local key file {Path}", file);
    }

    public static string LocalKeyPath(AuthOptions o, Database database) =>
        string.IsNullOrWhiteSpace(o.LocalKeyFile) ? Path.Combine(database.DataDirectory, LocalSigningKey.FileName) : Path.GetFullPath(o.LocalKeyFile);
}
