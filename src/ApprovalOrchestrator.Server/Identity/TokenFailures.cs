using Microsoft.IdentityModel.Tokens;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// Short, fixed reasons for a refused token, from the library's exception types. They go to the security log and the
/// 401 body, so they never carry token content (the library's messages may).
/// </summary>
public static class TokenFailures
{
    public const string NoSubject = "no subject";

    public static string Describe(Exception? error) => error switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenNoExpirationException => "no expiry",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidAlgorithmException => "unsupported algorithm",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "invalid signature",
        SecurityTokenMalformedException or ArgumentException => "malformed token",
        // Discovery or JWKS unreachable outside the library's own handling: refused (fail closed) until the provider answers.
        InvalidOperationException or HttpRequestException => "identity provider unavailable",
        _ => "invalid token",
    };
}
