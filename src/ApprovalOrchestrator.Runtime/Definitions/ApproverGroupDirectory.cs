using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>
/// The approver groups definitions are validated against when drafted or published. The approvers/auth work supplies the
/// real directory; until then <see cref="UncheckedGroupDirectory"/> skips the group checks.
/// </summary>
public interface IApproverGroupDirectory
{
    GroupDirectory Snapshot();
}

public sealed class UncheckedGroupDirectory : IApproverGroupDirectory
{
    public GroupDirectory Snapshot() => GroupDirectory.None;
}
