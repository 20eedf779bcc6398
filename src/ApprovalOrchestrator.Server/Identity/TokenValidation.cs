using System.Security.Claims;
using ApprovalOrchestrator.Runtime.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>A validated token: the caller's principal and when the token expires; or why it was refused.</summary>
public sealed record ValidatedToken(ClaimsPrincipal? Principal, DateTimeOffset? Expires, string? Failure);

/// <summary>
/// Validates a token outside an HTTP request's Authorization header (bus decisions, the console's token paste) with
/// exactly the JwtBearer handler's <see cref="TokenValidationParameters"/> and configuration manager, so there is one
/// validation configuration; the library refetches the provider's keys on an unknown key id here too.
/// </summary>
public sealed class TokenValidation(IOptionsMonitor<JwtBearerOptions> bearer, IOptions<AuthOptions> auth)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<ValidatedToken> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var options = bearer.Get(JwtAuthentication.Scheme);
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is BaseConfigurationManager manager)
        {
            parameters.ConfigurationManager = manager;
        }
        else if (options.ConfigurationManager is { } other)
        {
            var configuration = await other.GetConfigurationAsync(cancellationToken);
            parameters.ValidIssuers = [.. parameters.ValidIssuers ?? [], configuration.Issuer];
            parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], .. configuration.SigningKeys];
        }

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, parameters);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or HttpRequestException)
        {
            return new ValidatedToken(null, null, TokenFailures.Describe(ex));
        }

        if (!result.IsValid)
        {
            return new ValidatedToken(null, null, TokenFailures.Describe(result.Exception));
        }

        if (CallerClaims.Map(result.ClaimsIdentity.Claims, auth.Value, JwtAuthentication.Scheme) is not { } identity)
        {
            return new ValidatedToken(null, null, TokenFailures.NoSubject);
        }

        var expires = result.SecurityToken is JsonWebToken jwt && jwt.ValidTo != DateTime.MinValue ? new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) : (DateTimeOffset?)null;
        return new ValidatedToken(new ClaimsPrincipal(identity), expires, null);
    }
}
