using System.Text;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Server.Hosting;

namespace ApprovalOrchestrator.Server.Definitions;

/// <summary>
/// A definition source sent as the raw request body (YAML or JSON, as written): no wrapper, so what is stored, hashed
/// and exported is exactly what was sent. Other parameters of such endpoints are query parameters.
/// </summary>
public static class DefinitionBody
{
    public static readonly string[] MediaTypes = ["application/yaml", "application/x-yaml", "text/yaml", "application/json"];

    // Strict: a byte that is not UTF-8 would otherwise become U+FFFD and the stored source would differ from the file.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<(string? Source, IResult? Problem)> ReadAsync(HttpRequest request)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is null || !MediaTypes.Contains(mediaType))
        {
            return (null, Results.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: $"Send the definition as the raw body with Content-Type {string.Join(", ", MediaTypes)}."));
        }

        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's body limit (1 MiB) bounds what any definition endpoint reads.
            return (null, Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The definition is too large", detail: "A definition source may be at most 1 MiB."));
        }

        if (buffer.Length == 0)
        {
            return (null, Problems.Validation([new FieldError("body", "is required (the definition source).")]));
        }

        try
        {
            // GetString keeps a BOM as U+FEFF, so the export gives back the same bytes.
            return (Utf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, Problems.Validation([new FieldError("body", "is not valid UTF-8.")]));
        }
    }

    /// <summary>The export's content type: JSON when the source is a JSON object, else YAML.</summary>
    public static (string ContentType, string Extension) Format(string source) =>
        source.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{') ? ("application/json; charset=utf-8", "json") : ("application/yaml; charset=utf-8", "yaml");
}
