using ApprovalOrchestrator.Core.Definitions;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Server.Hosting;

namespace ApprovalOrchestrator.Server.Definitions;

/// <summary>Problem-details for definitions: an invalid definition lists every error (path + message), not just the first.</summary>
public static class DefinitionProblems
{
    public static IResult Invalid(IReadOnlyList<DefinitionError> errors, IReadOnlyList<DefinitionError>? warnings = null) => Results.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The definition is invalid.",
        detail: $"{errors.Count} error(s): {string.Join("; ", errors)}",
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = DefinitionViews.Items(errors),
            ["warnings"] = DefinitionViews.Items(warnings ?? []),
        });

    /// <summary>A source over the parser's budget (a YAML bomb, nesting too deep): refused outright, never stored.</summary>
    public static IResult Refused(DefinitionParseResult parsed) => Results.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The definition is refused: it exceeds the parser's limits.",
        detail: string.Join("; ", parsed.Errors),
        extensions: new Dictionary<string, object?> { ["errors"] = DefinitionViews.Items(parsed.Errors) });

    public static IResult NotFound(string detail) => Problems.Status(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>Changes are explained: a publish, retract or revert without a comment is refused.</summary>
    public static IResult? RequireComment(string? comment) =>
        string.IsNullOrWhiteSpace(comment) ? Problems.Validation([new FieldError("comment", "is required: say why the definition changes.")]) : null;

    /// <summary>A version in a path or query: a number ≥ 1, or <c>latest</c> (the newest not retracted).</summary>
    public static bool TryParseVersion(string text, out int? version)
    {
        version = null;
        if (text == "latest")
        {
            return true;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 1)
        {
            version = v;
            return true;
        }

        return false;
    }

    public static IResult BadVersion(string field) => Problems.Validation([new FieldError(field, "must be a version number (1, 2, …) or 'latest'.")]);
}
