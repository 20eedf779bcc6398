using ApprovalOrchestrator.Core.Audit;

namespace ApprovalOrchestrator.Runtime.Audit;

/// <summary>
/// The head (last seq and hash) of each instance's chain as one step's own appends left it, so the step's next append
/// to the same chain need not read it back. Scoped to one attempt of one step: its transaction (or savepoint) holds
/// the instance row, so nobody else appends to these chains meanwhile; a retried attempt starts with a fresh one.
/// </summary>
internal sealed class AuditHeads
{
    private readonly Dictionary<Guid, (int Seq, string Hash)> _heads = [];

    /// <summary>An instance inserted in this step: its chain is empty.</summary>
    public void New(Guid instanceId) => _heads[instanceId] = (0, AuditChain.Genesis);

    public bool TryGet(Guid instanceId, out (int Seq, string Hash) head) => _heads.TryGetValue(instanceId, out head);

    public void Set(Guid instanceId, int seq, string hash) => _heads[instanceId] = (seq, hash);
}
