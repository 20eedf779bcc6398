using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Application;

/// <summary>The length rule every handler applies to its free-text and name fields, worded once.</summary>
internal static class FieldRules
{
    /// <summary>Adds "must be at most <paramref name="max"/> characters" when <paramref name="value"/> is longer (null passes).</summary>
    public static List<FieldError> AtMost(this List<FieldError> errors, string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            errors.Add(new(field, $"must be at most {max} characters."));
        }

        return errors;
    }
}
