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

    /// <summary>The parameters of <see cref="RequestListSql"/>: the criteria, the page's cursor, and how many rows to read.</summary>
    internal object ToParameters(PageRequest page) => new
    {
        status = Blank(Status),
        risk = Blank(Risk),
        requester = Blank(Requester),
        agent = Blank(Agent),
        from = From is { } f ? Timestamps.ToText(f) : null,
        to = To is { } t ? Timestamps.ToText(t) : null,
        afterKey = page.After?.Key,
        afterId = page.After?.Id.ToString(),
        take = page.Limit + 1,
        offset = page.Offset,
        cap = PageRequest.CountCap + 1,
    };

    /// <summary>Only the criteria given, as plain comparisons: an <c>@x IS NULL OR</c> guard would keep the planner off the indexes.</summary>
    internal IEnumerable<string> Conditions()
    {
        if (Blank(Status) is not null)
        {
            yield return "status = @status";
        }

        if (Blank(Risk) is not null)
        {
            yield return "risk = @risk";
        }

        if (Blank(Requester) is not null)
        {
            yield return "requester = @requester";
        }

        if (Blank(Agent) is not null)
        {
            yield return "agent_id = @agent";
        }

        if (From is not null)
        {
            yield return "created_at >= @from";
        }

        if (To is not null)
        {
            yield return "created_at < @to";
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
