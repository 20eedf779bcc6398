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
}
