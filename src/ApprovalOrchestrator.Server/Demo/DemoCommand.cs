using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Demo;

/// <summary>
/// <c>demo [--leave-waiting] [--audit-file F]</c>: the reference story on the configured database, through the real
/// server (its HTTP API, identity and rules, on a private loopback port) with demo people whose tokens the local key
/// signs. Exit 0 when every stage happened as the story says; 1 with one line saying what did not.
/// </summary>
public static class DemoCommand
{
    public const string Usage = """
        demo [--leave-waiting] [--audit-file FILE] [--Section:Key=value ...]

        Runs the five reference requests through the real server on this database (the embedded default: data/approvals.db):
          1. classification of each request (risk, matched terms, reason);
          2. approvals by demo people: a team lead approves the amber one; two distinct security officers approve each red
             one (one officer approving twice is counted once; the requester is refused on their own request);
          3. execution (dry-run without Gateway:BaseUrl: the exact HTTP request that would be sent, token redacted);
          4. the audit trail exported to CSV (default: demo-audit-<time>.csv beside the database) and its chain verified.
        --leave-waiting   stop after classification: the waiting tasks stay for the console and aoctl.
        Stop the server first: one process owns a SQLite file.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h" or "help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        var leaveWaiting = false;
        string? auditFile = null;
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--leave-waiting":
                    leaveWaiting = true;
                    break;
                case "--audit-file" when i + 1 < args.Length:
                    auditFile = args[++i];
                    break;
                default:
                    settings.Add(args[i]); // configuration, as the server takes it
                    break;
            }
        }

        settings.Add("--urls=http://127.0.0.1:0");
        try
        {
            return await RunAsync(settings.ToArray(), leaveWaiting, auditFile);
        }
        catch (Exception ex) when (ex is DemoFailure or DatabaseInUseException)
        {
            Console.Error.WriteLine($"demo failed: {ex.Message}.");
            return 1;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"demo failed: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(string[] settings, bool leaveWaiting, string? auditFile)
    {
        // The demo prints its own tables; only problems should interrupt them.
        await using var app = ServerApp.Build(settings, b => b.Logging.AddFilter((_, level) => level >= LogLevel.Warning));
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (!auth.UsesLocalKey)
        {
            throw new DemoFailure("the demo signs its people's tokens with the local key, so it runs on the embedded default only (Auth:Authority or Auth:SigningKeys is configured)");
        }

        await ServerApp.InitializeAsync(app.Services, app.Environment.ContentRootPath);
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var database = app.Services.GetRequiredService<Database>();
            var tokens = LocalTokenIssuer.FromKeyFile(BearerOptionsSetup.LocalKeyPath(auth, database));
            using var cast = new DemoCast(tokens, address);
            var story = new DemoStory(cast, Console.Out, auditFile ?? Path.Combine(database.DataDirectory, $"demo-audit-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.csv"));
            Console.WriteLine($"Demo on {database.Location} (people: riley asks and is also a security officer; tina leads a team; sam and olivia are security officers; audrey audits).");
            await story.ClassifyAsync();
            if (leaveWaiting)
            {
                var waiting = await story.WaitingAsync();
                Console.WriteLine();
                Console.WriteLine($"{waiting} request(s) wait for approval. Start the server (dotnet run --project src/ApprovalOrchestrator.Server) and open the link it prints, or use `aoctl tasks`.");
                return 0;
            }

            await story.ApproveAsync();
            await story.ExecuteAsync();
            await story.AuditAsync();
            Console.WriteLine();
            Console.WriteLine("Demo complete: every request was classified, approved where policy says so, executed and recorded.");
            return 0;
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
