using System.CommandLine;
using System.Text.Json;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Output;
using ApprovalOrchestrator.Core.Audit.Log;

namespace ApprovalOrchestrator.Cli.Audit;

/// <summary>
/// <c>aoctl audit verify</c> (offline: checks an evidence bundle with only the log's public key) and
/// <c>aoctl audit monitor</c> (a witness: checks each new checkpoint extends the last one it saw).
/// Exit codes: 0 verified, 1 could not run (bad arguments, unreachable server), 2 verification failed.
/// </summary>
public static class AuditCommand
{
    public const int VerificationFailed = 2;

    public static Command Create() => new("audit", "Verify the signed audit log offline, or watch it as a witness.") { CreateVerify(), MonitorCommand.Create() };

    private static Command CreateVerify()
    {
        var bundle = new Argument<FileInfo>("bundle") { Description = "An evidence bundle (GET /api/requests/{id}/evidence or /api/audit/evidence)." };
        var key = KeyOption();
        var previous = new Option<FileInfo?>("--previous")
        {
            Description = "An earlier bundle you kept: the log must still extend its checkpoint and still hold every event it showed (fetch the new one with ?since=<its tree size>).",
        };
        var command = new Command("verify", "Verify an evidence bundle offline: signature and key, each event's inclusion proof and content, each request's sequence.") { bundle, key, previous };
        Verb.SetAction(command, (parse, _) =>
        {
            var trusted = TrustedKeys.Load(parse.GetValue(key));
            var current = Read(parse.GetValue(bundle)!);
            var earlier = parse.GetValue(previous) is { } p ? Read(p) : null;
            var result = EvidenceVerifier.Verify(current, trusted, earlier);
            if (!result.Ok)
            {
                Console.Error.WriteLine($"aoctl audit verify: FAILED: {result.Error}");
                return Task.FromResult(VerificationFailed);
            }

            var c = result.Checkpoint!;
            Console.WriteLine($"verified: {result.Events} event(s) included in the checkpoint of {c.Origin} at tree size {c.Size} (root {Convert.ToBase64String(c.Root)}, signed {c.Time:u} by key {NoteKeys.KeyIdText(result.SignedBy!.KeyId)})"
                + (earlier is null ? string.Empty : "; consistent with the earlier bundle, none of its events missing or changed"));
            return Task.FromResult(Verb.Ok);
        });
        return command;
    }

    internal static Option<string?> KeyOption() => new("--key")
    {
        Description = "The log's public key: a file of verifier keys (from /.well-known/audit-log-key) or one 'name+id+base64' string.",
        Required = true,
    };

    private static EvidenceBundle Read(FileInfo file)
    {
        try
        {
            return EvidenceBundle.Parse(File.ReadAllText(file.FullName));
        }
        catch (JsonException ex)
        {
            throw new CliException($"{file.Name} is not an evidence bundle: {ex.Message}");
        }
    }
}
