using ApprovalOrchestrator.Runtime.Identity;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>The HTTP API's <see cref="JwtValidator"/> offered to the runtime (bus decisions): one validator, one set of keys and rules.</summary>
public sealed class BearerTokenVerifier(JwtValidator validator) : IBearerTokenVerifier
{
    public async Task<TokenCheck> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        var (principal, failure) = await validator.ValidateAsync(token, cancellationToken);
        if (principal is null)
        {
            return TokenCheck.Refused(failure ?? "invalid token");
        }

        var caller = Caller.From(principal);
        return new TokenCheck(new VerifiedIdentity(caller.User, caller.Groups, caller.Roles), null);
    }
}
