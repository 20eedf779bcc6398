using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>
/// The approver groups definitions are validated against when drafted or published. The approvers/auth work supplies the
/// real directory; until then <see cref="UncheckedGroupDirectory"/> skips the group checks.
/// </summary>
public interface IApproverGroupDirectory
{
    GroupDirectory Snapshot();

    /// <summary>
    /// The groups <paramref name="member"/> belongs to, for ways in that carry no token with groups (Slack
    /// interactions). A directory that cannot say answers none, so such a person can decide nothing (fail closed).
    /// </summary>
    IReadOnlyList<string> GroupsOf(string member) => [];
}

public sealed class UncheckedGroupDirectory : IApproverGroupDirectory
{
    public GroupDirectory Snapshot() => GroupDirectory.None;
}
