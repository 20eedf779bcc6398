namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary><c>AuditLog:*</c>: the signed audit log's key, name and checkpoint cadence (docs/audit.md).</summary>
public sealed class AuditLogOptions
{
    public const string Section = "AuditLog";

    /// <summary>The Ed25519 signer key file (signed-note PRIVATE+KEY format, mode 0600). Default: audit-log.key beside the database.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The log's origin line and key name, used when the key is first generated.</summary>
    public string Origin { get; set; } = "approval-orchestrator/audit-log";

    /// <summary>Sign a checkpoint once this many leaves are unsigned.</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>Sign a checkpoint when any leaf has been unsigned this long.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Where each new checkpoint is also appended, outside the database (put it on another volume). None when unset.</summary>
    public string? WitnessFile { get; set; }

    /// <summary>Where each new checkpoint is also POSTed (text/plain, the signed note), best effort: a witness or archive. None when unset.</summary>
    public Uri? WitnessUrl { get; set; }

    /// <summary>
    /// How long after a request of a definition (by id) ends its content may be erased; a definition without an entry
    /// keeps its content for ever. <c>AuditLog:Retention:agent-action-approval=365.00:00:00</c>.
    /// </summary>
    public Dictionary<string, TimeSpan> Retention { get; set; } = new(StringComparer.Ordinal);
}
