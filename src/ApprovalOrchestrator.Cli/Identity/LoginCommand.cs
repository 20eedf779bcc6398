using System.Buffers.Text;
using System.CommandLine;
using System.Text.Json;
using ApprovalOrchestrator.Cli.Http;
using ApprovalOrchestrator.Cli.Output;

namespace ApprovalOrchestrator.Cli.Identity;

/// <summary>
/// <c>aoctl login --server URL --token JWT</c>: checks the token against the server (<c>GET /api/requests</c>, which every
/// role may call), then saves both to <see cref="ConfigFile"/> for the other verbs.
/// </summary>
public static class LoginCommand
{
    public static Command Create()
    {
        var json = Verb.JsonOption();
        var command = new Command("login", $"Check --server and --token (or {Connection.TokenVariable}) against the server and save them in ~/.config/aoctl/config.json (mode 0600).") { json };
        Verb.SetAction(command, async (parse, ct) =>
        {
            var config = ConfigFile.Load();
            var server = Connection.ServerFrom(parse, config);
            var token = Connection.TokenFrom(parse, config);
            var claims = Claims(token);
            using (var api = new ApiClient(server, token))
            {
                try
                {
                    await api.GetAsync("api/requests?limit=1", ct);
                }
                catch (ApiException ex) when (ex.Status == 403)
                {
                    // Authenticated (the signature, issuer and expiry passed) but with no role that reads requests.
                    Console.Error.WriteLine($"aoctl: warning: the token is valid but carries no role that may read ({ex.Message}).");
                }
            }

            new ConfigFile(server.ToString().TrimEnd('/'), token).Save();
            var user = claims.Str("sub");
            var groups = string.Join(", ", claims.Items("groups").Select(g => g.GetString()));
            var roles = string.Join(", ", claims.Items("roles").Select(r => r.GetString()));
            var expires = claims.Long("exp") is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp).ToString("u") : "never";
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { server = server.ToString().TrimEnd('/'), user, groups = claims.Items("groups"), roles = claims.Items("roles"), expires, config = ConfigFile.DefaultPath }));
            }
            else
            {
                Console.WriteLine($"Logged in to {server.ToString().TrimEnd('/')} as {user} (groups: {(groups.Length > 0 ? groups : "none")}; roles: {(roles.Length > 0 ? roles : "none")}; token expires {expires}).");
                Console.WriteLine($"Saved to {ConfigFile.DefaultPath}.");
            }

            return Verb.Ok;
        });
        return command;
    }

    /// <summary>The token's payload, read for display only: the server verified it.</summary>
    private static JsonElement Claims(string token)
    {
        var parts = token.Split('.');
        try
        {
            return parts.Length == 3 ? JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone() : throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new CliException("--token is not a JWT (three base64url parts separated by dots).");
        }
    }
}
