using ApprovalOrchestrator.Runtime.Identity;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>The HTTP API's token validation offered to the runtime (bus decisions): one configuration, one set of keys and rules.</summary>
public sealed class BearerTokenVerifier(TokenValidation validation) : IBearerTokenVerifier
{
    public async Task<TokenCheck> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        var result = await validation.ValidateAsync(token, cancellationToken);
        if (result.Principal is null)
        {
            return TokenCheck.Refused(result.Failure ?? "invalid token");
        }

        var caller = Caller.From(result.Principal);
        return new TokenCheck(new VerifiedIdentity(caller.User, caller.Groups, caller.Roles), null);
    }
}
