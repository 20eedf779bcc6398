using ApprovalOrchestrator.Core.Definitions;
using Microsoft.Extensions.Configuration;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>
/// The approver groups from configuration: <c>Directory:Groups:&lt;name&gt;:Members</c> (a list) or
/// <c>Directory:Groups:&lt;name&gt;</c> (a list, or one comma-separated string). Without a <c>Directory:Groups</c> section
/// nothing is checked (<see cref="GroupDirectory.None"/>) and nobody is a member of anything. Read on every call, so a reloaded configuration applies
/// to the next validation.
/// </summary>
public sealed class ConfiguredGroupDirectory(IConfiguration configuration) : IApproverGroupDirectory
{
    public const string Section = "Directory:Groups";

    public GroupDirectory Snapshot()
    {
        var section = configuration.GetSection(Section);
        if (!section.Exists())
        {
            return GroupDirectory.None;
        }

        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var group in section.GetChildren())
        {
            var members = group.GetSection("Members") is { } m && m.Exists() ? Members(m) : Members(group);
            sizes[group.Key] = members.Count;
        }

        return new GroupDirectory(sizes.Keys.ToHashSet(StringComparer.Ordinal), sizes);
    }

    /// <summary>Every configured group listing <paramref name="member"/> (exact, case-sensitive match, as group checks are).</summary>
    public IReadOnlyList<string> GroupsOf(string member) =>
        configuration.GetSection(Section).GetChildren()
            .Where(group => (group.GetSection("Members") is { } m && m.Exists() ? Members(m) : Members(group)).Contains(member))
            .Select(group => group.Key)
            .ToList();

    private static HashSet<string> Members(IConfigurationSection section)
    {
        var values = section.Value is { } single
            ? single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value?.Trim()).OfType<string>().Where(v => v.Length > 0);
        return values.ToHashSet(StringComparer.Ordinal);
    }
}
