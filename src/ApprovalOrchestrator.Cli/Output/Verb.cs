using System.CommandLine;
using ApprovalOrchestrator.Cli.Http;
using ApprovalOrchestrator.Cli.Identity;

namespace ApprovalOrchestrator.Cli.Output;

/// <summary>Runs an HTTP verb: every refusal is one line on stderr and exit code 1; a 401 adds how to log in.</summary>
public static class Verb
{
    public const int Ok = 0;
    public const int Failed = 1;

    public static Option<bool> JsonOption() => new("--json") { Description = "Print the server's JSON instead of a table." };

    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction((parse, cancellationToken) => RunAsync(() => action(parse, cancellationToken)));

    /// <summary>Runs <paramref name="action"/>, turning every refusal or local problem into one line on stderr and exit 1.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ApiException ex)
        {
            Console.Error.WriteLine($"aoctl: {ex.Message}");
            if (ex.Status == 401)
            {
                Console.Error.WriteLine("aoctl: the token was refused (missing, expired or not signed by this server's key): run `aoctl login --server <url> --token <jwt>` with a fresh token (`aoctl token issue` mints one on the embedded default).");
            }

            return Failed;
        }
        catch (CliException ex)
        {
            Console.Error.WriteLine($"aoctl: {ex.Message}");
            return Failed;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file the user named could not be read.
            Console.Error.WriteLine($"aoctl: {ex.Message}");
            return Failed;
        }
    }
}
