using System.Net.Http;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// "May have run" is not "failed" (ARCHITECTURE invariant 10). Once a tool request may have left our process, only an
/// answer that proves the Gateway did not run it ends the call <c>failed</c>; every other outcome is
/// <see cref="GatewayOutcomeStatus.MayHaveRun"/> (the request goes to <c>needs-review</c>, never retried).
/// </summary>
internal static class ToolOutcomeRule
{
    /// <summary>
    /// The statuses with which the Gateway refuses a tool call before running it (REFERENCE.md §3): malformed request,
    /// unauthorised, blocked by policy, tool not available, body over the limit, rate limited. 408, 5xx, 3xx and any other
    /// status prove nothing: a proxy or the Gateway may answer them after the tool ran.
    /// </summary>
    public static readonly IReadOnlySet<int> RefusalStatuses = new HashSet<int> { 400, 401, 403, 404, 413, 429 };

    /// <summary>
    /// True only for a refusal status whose body parsed as one of the Gateway's documented error shapes, whole (not cut
    /// off by the response cap): a status alone could come from anything between us and the Gateway.
    /// </summary>
    public static bool ProvesNotRun(int status, bool documentedErrorBody) => documentedErrorBody && RefusalStatuses.Contains(status);

    /// <summary>
    /// True when the exception proves the request never left our process: the connection to the Gateway could not be
    /// opened (refused, unreachable, name not resolved, TLS handshake failed). It proves this only because tool calls
    /// never reuse a pooled connection (<see cref="GatewayServiceCollectionExtensions"/>): on a reused one, the handler may
    /// transparently re-send a request whose first copy the server already read, and the error would describe the second.
    /// </summary>
    public static bool NeverSent(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;
}
