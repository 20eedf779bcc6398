using System.Reflection;

namespace ApprovalOrchestrator.Server.Web;

/// <summary>
/// The console's stylesheet and script, embedded in the assembly and served from memory: nothing to deploy beside the
/// binaries, and no dependency on the content root (tests host the server from their own output folder).
/// </summary>
public static class ConsoleAssets
{
    public const string StylesheetPath = "/assets/console.css";
    public const string ScriptPath = "/assets/console.js";

    private static readonly Dictionary<string, (byte[] Bytes, string Type)> Files = new(StringComparer.Ordinal)
    {
        ["console.css"] = (Load("console.css"), "text/css; charset=utf-8"),
        ["console.js"] = (Load("console.js"), "text/javascript; charset=utf-8"),
    };

    public static void MapConsoleAssets(this IEndpointRouteBuilder app) =>
        app.MapGet("/assets/{name}", (string name, HttpContext http) =>
        {
            if (!Files.TryGetValue(name, out var file))
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(file.Bytes, file.Type);
        }).AllowAnonymous().ExcludeFromDescription();

    private static byte[] Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ApprovalOrchestrator.Server.Web.Assets." + name)
            ?? throw new InvalidOperationException($"Embedded asset {name} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
