using ApprovalOrchestrator.Runtime.Storage;

namespace ApprovalOrchestrator.Runtime.Requests;

/// <summary>
/// An auditor's search over requests: every criterion optional; <see cref="From"/> inclusive and <see cref="To"/>
/// exclusive, on the time the request was received.
/// </summary>
public sealed record RequestFilter(
    string? Status = null, string? Risk = null, string? Requester = null, string? Agent = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    internal const string Where = """
        WHERE (@status IS NULL OR status = @status) AND (@risk IS NULL OR risk = @risk)
          AND (@requester IS NULL OR requester = @requester) AND (@agent IS NULL OR agent_id = @agent)
          AND (@from IS NULL OR created_at >= @from) AND (@to IS NULL OR created_at < @to)
        """;

    public bool IsEmpty => this == new RequestFilter();

    /// <summary>Timestamps are stored as fixed-width UTC text, so comparing text compares times.</summary>
    internal object ToParameters(int offset, int limit) => new
    {
        status = Blank(Status),
        risk = Blank(Risk),
        requester = Blank(Requester),
        agent = Blank(Agent),
        from = From is { } f ? Timestamps.ToText(f) : null,
        to = To is { } t ? Timestamps.ToText(t) : null,
        offset,
        limit,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
