using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Server.Hosting;

public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static IEnumerable<FieldError> Validate(int? offset, int? limit)
    {
        if (offset is < 0)
        {
            yield return new FieldError("offset", "must be 0 or more.");
        }

        if (limit is < 1 or > MaxLimit)
        {
            yield return new FieldError("limit", $"must be between 1 and {MaxLimit}.");
        }
    }

    /// <summary>
    /// The page a list endpoint was asked for: <c>cursor</c> (the previous page's <c>next</c>) or, for old clients,
    /// <c>offset</c> up to <see cref="PageRequest.MaxOffset"/>; never both. Problems are added to <paramref name="errors"/>.
    /// </summary>
    public static PageRequest Page(int? offset, int? limit, string? cursor, List<FieldError> errors)
    {
        errors.AddRange(Validate(offset, limit));
        if (offset is > PageRequest.MaxOffset)
        {
            errors.Add(new FieldError("offset", $"must be at most {PageRequest.MaxOffset}: page further with cursor (each page's \"next\")."));
        }

        PageCursor? after = null;
        if (cursor is not null)
        {
            after = PageCursor.Decode(cursor, out var problem);
            if (problem is not null)
            {
                errors.Add(new FieldError("cursor", problem));
            }
            else if (offset is > 0)
            {
                errors.Add(new FieldError("offset", "cannot be combined with cursor: a cursor already says where the page starts."));
            }
        }

        return new PageRequest(limit ?? DefaultLimit, after, offset ?? 0);
    }
}
