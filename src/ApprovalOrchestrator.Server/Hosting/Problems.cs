using System.Text.Json;
using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Server.Hosting;

/// <summary>Problem-details responses that name the field at fault. Never echo secrets or internals.</summary>
public static class Problems
{
    public static IResult Validation(IEnumerable<FieldError> errors)
    {
        var byField = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return Results.ValidationProblem(byField, title: "The request is invalid.", detail: string.Join(" ", byField.Select(kv => $"{kv.Key} {string.Join(" ", kv.Value)}")));
    }

    public static IResult MalformedJson(JsonException ex)
    {
        var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
        var message = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? "is not a known field."
            : ex.InnerException is InvalidOperationException or FormatException || ex.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? "has the wrong type."
                : $"is not valid JSON here (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}).";
        return Validation([new FieldError(field, message)]);
    }

    public static IResult Status(int status, string title, string detail) => Results.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>Reads a JSON body; returns the problem to answer with when it is absent or malformed.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadJsonAsync<T>(HttpRequest request, JsonSerializerOptions options)
        where T : class
    {
        if (request.ContentLength == 0)
        {
            return (null, Validation([new FieldError("body", "is required (a JSON object).")]));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, request.HttpContext.RequestAborted);
            return value is null ? (null, Validation([new FieldError("body", "must be a JSON object, not null.")])) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, MalformedJson(ex));
        }
    }
}
