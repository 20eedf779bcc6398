using System.CommandLine;
using ApprovalOrchestrator.Cli.Http;

namespace ApprovalOrchestrator.Cli.Identity;

/// <summary>
/// Where the API is and who we are: <c>--server</c> / <c>--token</c> (or <c>AOCTL_SERVER</c> / <c>AOCTL_TOKEN</c>),
/// else what <c>aoctl login</c> saved, else the server's default address.
/// </summary>
public static class Connection
{
    public const string DefaultServer = "http://127.0.0.1:5080";
    public const string TokenVariable = "AOCTL_TOKEN";
    public const string ServerVariable = "AOCTL_SERVER";

    public static readonly Option<string?> Server = new("--server")
    {
        Description = $"The orchestrator's HTTP address (env {ServerVariable}; default: the one saved by `aoctl login`, else {DefaultServer}).",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = $"Bearer token (env {TokenVariable}; default: the one saved by `aoctl login`).",
        Recursive = true,
    };

    public static Uri ServerFrom(ParseResult parse, ConfigFile config)
    {
        var text = First(parse.GetValue(Server), Environment.GetEnvironmentVariable(ServerVariable), config.Server) ?? DefaultServer;
        return Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliException($"--server '{text}' is not an http:// or https:// address.");
    }

    public static string TokenFrom(ParseResult parse, ConfigFile config) =>
        First(parse.GetValue(Token), Environment.GetEnvironmentVariable(TokenVariable), config.Token)
        ?? throw new CliException($"no token: run `aoctl login --server <url> --token <jwt>`, or pass --token or set {TokenVariable} (mint one with `aoctl token issue`).");

    /// <summary>A client for the resolved server and token.</summary>
    public static ApiClient Open(ParseResult parse)
    {
        var config = ConfigFile.Load();
        return new ApiClient(ServerFrom(parse, config), TokenFrom(parse, config));
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
