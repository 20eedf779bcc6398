namespace ApprovalOrchestrator.Core.Audit;

/// <summary>
/// One step of one request, as stored. <see cref="DataJson"/> is kept verbatim so the hash can be recomputed from
/// the stored bytes; <see cref="PreviousHash"/> links it to the instance's previous event.
/// </summary>
public sealed record AuditRecord(
    Guid InstanceId,
    int Sequence,
    string Kind,
    string Actor,
    DateTimeOffset At,
    string DefinitionId,
    int DefinitionVersion,
    string DefinitionHash,
    string DataJson,
    string PreviousHash,
    string Hash);
