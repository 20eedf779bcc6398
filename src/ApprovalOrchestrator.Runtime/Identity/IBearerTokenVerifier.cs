namespace ApprovalOrchestrator.Runtime.Identity;

/// <summary>
/// Verifies a bearer token exactly as the HTTP API does (the server registers its one validator behind this), so a
/// credential carried in a bus message is worth no more and no less than the same credential in an HTTP header.
/// </summary>
public interface IBearerTokenVerifier
{
    Task<TokenCheck> VerifyAsync(string token, CancellationToken cancellationToken);
}

/// <summary>Either a verified identity or why not (a short fixed reason that never carries token content).</summary>
public sealed record TokenCheck(VerifiedIdentity? Identity, string? Failure)
{
    public static TokenCheck Refused(string why) => new(null, why);
}

/// <summary>Who a verified token says the caller is: <c>sub</c>, groups and roles from the configured claims.</summary>
public sealed record VerifiedIdentity(string User, IReadOnlyList<string> Groups, IReadOnlyList<string> Roles)
{
    public bool Has(string role) => Roles.Contains(role, StringComparer.Ordinal);
}

/// <summary>The fail-closed default when no verifier is registered (a host without the server's identity setup): every token is refused.</summary>
internal sealed class NoTokenVerifier : IBearerTokenVerifier
{
    public Task<TokenCheck> VerifyAsync(string token, CancellationToken cancellationToken) =>
        Task.FromResult(TokenCheck.Refused("no token verifier configured"));
}
