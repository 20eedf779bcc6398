namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// What the parser knows of the approver directory: the group names (null: not checked) and, for some groups, how many
/// members they have (a tier cannot require more approvals than there are people to give them).
/// </summary>
public sealed record GroupDirectory(IReadOnlySet<string>? KnownGroups, IReadOnlyDictionary<string, int>? GroupSizes)
{
    public static readonly GroupDirectory None = new(null, null);

    public bool IsUnknown(string group) => KnownGroups is not null && !KnownGroups.Contains(group);

    public int? SizeOf(string group) => GroupSizes is not null && GroupSizes.TryGetValue(group, out var size) ? size : null;
}
