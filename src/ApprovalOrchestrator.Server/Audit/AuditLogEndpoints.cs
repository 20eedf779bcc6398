using System.Text;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Audit.Log;
using ApprovalOrchestrator.Runtime.Audit;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Audit;

/// <summary>
/// The signed audit log (docs/audit.md): its public keys (anonymous), checkpoints, inclusion and consistency proofs, and
/// evidence bundles (auditors). Signing on demand is an admin's.
/// </summary>
public static class AuditLogEndpoints
{
    public const string KeyPath = "/.well-known/audit-log-key";

    public static void MapAuditLog(this IEndpointRouteBuilder app)
    {
        app.MapGet(KeyPath, KeysAsync).AllowAnonymous().WithTags("Audit");

        var log = app.MapGroup("/api/audit/log").WithTags("Audit").RequireAuthorization(Roles.AuditReader);
        log.MapGet("/checkpoint", LatestAsync);
        log.MapGet("/checkpoint/{size:long}", BySizeAsync);
        log.MapPost("/checkpoint", SignAsync).RequireAuthorization(Roles.Admin);
        log.MapGet("/proof/inclusion", InclusionAsync);
        log.MapGet("/proof/consistency", ConsistencyAsync);

        app.MapGet("/api/requests/{id:guid}/evidence", RequestEvidenceAsync).WithTags("Audit").RequireAuthorization(Roles.AuditReader);
        app.MapGet("/api/audit/evidence", FilterEvidenceAsync).WithTags("Audit").RequireAuthorization(Roles.AuditReader);
    }

    /// <summary>Verifier keys, one per line, the current key first, then every earlier key that signed a checkpoint.</summary>
    private static async Task<IResult> KeysAsync(CheckpointService checkpoints)
    {
        var keys = await checkpoints.KeysAsync();
        return Results.Text(string.Join('\n', keys) + "\n", "text/plain", Encoding.UTF8);
    }

    private static async Task<IResult> LatestAsync(CheckpointService checkpoints)
    {
        var latest = await checkpoints.LatestAsync() ?? await SignOrNullAsync(checkpoints);
        return latest is null ? Refused(checkpoints) : Note(latest);
    }

    private static async Task<IResult> BySizeAsync(long size, CheckpointService checkpoints) =>
        await checkpoints.BySizeAsync(size) is { } found
            ? Note(found)
            : Problems.Status(StatusCodes.Status404NotFound, "No checkpoint", $"No checkpoint was signed at tree size {size}.");

    private static async Task<IResult> SignAsync(CheckpointService checkpoints) =>
        await SignOrNullAsync(checkpoints) is { } signed ? Note(signed) : Refused(checkpoints);

    private static async Task<IResult> InclusionAsync(long? index, long? size, CheckpointService checkpoints)
    {
        if (Missing((index, "index"), (size, "size")) is { } problem)
        {
            return problem;
        }

        return await checkpoints.InclusionAsync(index!.Value, size!.Value) is { } proof
            ? Results.Ok(new { leafIndex = index, treeSize = size, leafHash = Convert.ToBase64String(proof.LeafHash), proof = proof.Proof.Select(Convert.ToBase64String) })
            : Problems.Validation([new FieldError("index", $"must be below size, and size at most the log's {await checkpoints.SizeAsync()} entries.")]);
    }

    private static async Task<IResult> ConsistencyAsync(long? from, long? to, CheckpointService checkpoints)
    {
        if (Missing((from, "from"), (to, "to")) is { } problem)
        {
            return problem;
        }

        return await checkpoints.ConsistencyAsync(from!.Value, to!.Value) is { } proof
            ? Results.Ok(new { from, to, proof = proof.Select(Convert.ToBase64String) })
            : Problems.Validation([new FieldError("from", $"must be at most to, and to at most the log's {await checkpoints.SizeAsync()} entries.")]);
    }

    private static async Task<IResult> RequestEvidenceAsync(Guid id, long? since, EvidenceBuilder evidence, CheckpointService checkpoints)
    {
        try
        {
            return await evidence.ForRequestAsync(id, since) is { } bundle
                ? Bundle(bundle)
                : Problems.Status(StatusCodes.Status404NotFound, "Not found", $"No request {id}.");
        }
        catch (EvidenceRangeException ex)
        {
            return Problems.Validation([new FieldError("since", ex.Message)]);
        }
        catch (AuditLogBrokenException ex)
        {
            return Refused(checkpoints, ex.Message);
        }
    }

    private static async Task<IResult> FilterEvidenceAsync(
        string? agent, string? requester, DateTimeOffset? from, DateTimeOffset? to, long? since, EvidenceBuilder evidence, CheckpointService checkpoints)
    {
        var filter = new RequestFilter(Requester: requester, Agent: agent, From: from, To: to);
        if (string.IsNullOrWhiteSpace(agent) && string.IsNullOrWhiteSpace(requester))
        {
            return Problems.Validation([new FieldError("agent", "or requester is required (evidence is about someone).")]);
        }

        try
        {
            return Bundle(await evidence.ForFilterAsync(filter, since));
        }
        catch (EvidenceRangeException ex)
        {
            return Problems.Validation([new FieldError("since", ex.Message)]);
        }
        catch (AuditLogBrokenException ex)
        {
            return Refused(checkpoints, ex.Message);
        }
    }

    private static async Task<StoredCheckpoint?> SignOrNullAsync(CheckpointService checkpoints)
    {
        try
        {
            return await checkpoints.SignAsync();
        }
        catch (AuditLogBrokenException)
        {
            return null;
        }
    }

    private static IResult Note(StoredCheckpoint checkpoint) => Results.Text(checkpoint.Note, "text/plain", Encoding.UTF8);

    private static IResult Bundle(EvidenceBundle bundle) => Results.Text(bundle.ToJson(), "application/json", Encoding.UTF8);

    private static IResult Refused(CheckpointService checkpoints, string? why = null) =>
        Problems.Status(StatusCodes.Status503ServiceUnavailable, "The audit log cannot prove its history", checkpoints.Problem ?? why ?? "The audit log is not consistent with its checkpoints.");

    /// <summary>400 naming every absent tree position, or null when all are given.</summary>
    private static IResult? Missing(params (long? Value, string Field)[] parameters) =>
        parameters.Where(p => p.Value is null).Select(p => new FieldError(p.Field, "is required (a tree position, 0 or more).")).ToList() is { Count: > 0 } errors
            ? Problems.Validation(errors)
            : null;
}
