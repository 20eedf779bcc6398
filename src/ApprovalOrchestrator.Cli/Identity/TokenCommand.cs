using System.CommandLine;
using System.Text.Json;
using ApprovalOrchestrator.Cli.Output;
using ApprovalOrchestrator.Cli.Publish;
using ApprovalOrchestrator.LocalIdentity;

namespace ApprovalOrchestrator.Cli.Identity;

/// <summary>
/// <c>aoctl token issue</c>: mints an HS256 token with the embedded default's key file, the same file the server verifies
/// with. Only for the embedded default: with an OIDC provider, the provider issues tokens.
/// </summary>
public static class TokenCommand
{
    /// <summary>The server's default database is <c>data/approvals.db</c> under its working directory; the key sits beside it.</summary>
    public const string DefaultDatabase = "data/approvals.db";

    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "The user id (the token's sub).", Required = true };
        var groups = new Option<string[]>("--groups") { Description = "Groups (comma-separated or repeated), e.g. team-leads.", AllowMultipleArgumentsPerToken = true };
        var roles = new Option<string[]>("--roles") { Description = "Roles: submitter, approver, admin, auditor, bridge (comma-separated or repeated).", AllowMultipleArgumentsPerToken = true };
        var ttl = new Option<TimeSpan>("--ttl")
        {
            Description = "Lifetime (e.g. 30m, 8h).",
            DefaultValueFactory = _ => TimeSpan.FromHours(8),
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (Duration.TryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"--ttl '{text}' is not a positive duration (e.g. 30m, 8h).");
                return default;
            },
        };
        var key = new Option<FileInfo?>("--key")
        {
            Description = $"The server's key file (Auth:LocalKeyFile if it sets one). Default: {LocalSigningKey.FileName} beside --database.",
        };
        var database = new Option<FileInfo?>("--database")
        {
            Description = $"The server's database file (ConnectionStrings:Approvals); the key is the {LocalSigningKey.FileName} beside it. " +
                $"Default: the Data Source of $ConnectionStrings__Approvals when set (as the server reads it), else {DefaultDatabase}, relative to the current directory, as the server resolves it: run aoctl where you run the server, or say where.",
        };
        var json = new Option<bool>("--json") { Description = "Print {token, user, groups, roles, expiresAt} instead of the bare token." };
        var issue = new Command("issue", "Mint a token for a local user with the embedded default's signing key (the server creates the key on first start). Prints only the token.")
        {
            user, groups, roles, ttl, key, database, json,
        };
        issue.Validators.Add(result =>
        {
            if (result.GetValue(key) is not null && result.GetValue(database) is not null)
            {
                result.AddError("Give --key or --database, not both.");
            }
        });
        Verb.SetAction(issue, (parse, _) =>
        {
            var path = parse.GetValue(key)?.FullName ?? LocalSigningKey.PathBeside(parse.GetValue(database)?.FullName ?? ServerDatabase());
            if (!File.Exists(path))
            {
                throw new CliException($"no signing key at {path}: start the server once (it creates {LocalSigningKey.FileName} beside its database), or pass --key <file> or --database <approvals.db>.");
            }

            byte[] secret;
            try
            {
                secret = LocalSigningKey.Load(path);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or UnauthorizedAccessException or IOException)
            {
                throw new CliException($"cannot use the signing key at {path}: {ex.Message}");
            }

            var lifetime = parse.GetValue(ttl);
            var g = Lists.Split(parse.GetValue(groups));
            var r = Lists.Split(parse.GetValue(roles));
            var token = new LocalTokenIssuer(secret).Issue(parse.GetValue(user)!, g, r, lifetime);
            Console.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(new { token, user = parse.GetValue(user), groups = g, roles = r, expiresAt = DateTimeOffset.UtcNow + lifetime })
                : token);
            return Task.FromResult(Verb.Ok);
        });
        return new Command("token", "Tokens for the embedded default (local signing key).") { issue };
    }

    /// <summary>The database the server uses from the same environment: <c>ConnectionStrings__Approvals</c>, else the default.</summary>
    private static string ServerDatabase()
    {
        if (Environment.GetEnvironmentVariable("ConnectionStrings__Approvals") is { Length: > 0 } configured)
        {
            var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured };
            foreach (var name in new[] { "Data Source", "DataSource", "Filename" })
            {
                if (builder.TryGetValue(name, out var value) && value is string { Length: > 0 } file)
                {
                    return file;
                }
            }
        }

        return DefaultDatabase;
    }
}
