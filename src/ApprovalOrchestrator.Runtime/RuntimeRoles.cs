namespace ApprovalOrchestrator.Runtime;

/// <summary>The pieces a process can run. Each is a consumer on its own queue, so pieces can scale out separately.</summary>
[Flags]
public enum RuntimeRole
{
    None = 0,
    Intake = 1,
    Classification = 2,
    Execution = 4,
    Timers = 8,
    Decisions = 16,
    All = Intake | Classification | Execution | Timers | Decisions,
}

/// <summary>
/// Configuration key <c>Roles</c>: a comma list of <c>intake, classification, execution, timers, decisions</c>; all when unset.
/// Quartz, the outbox dispatcher and recovery run in every process regardless (they only write the database and publish).
/// </summary>
public static class RuntimeRoles
{
    public const string Key = "Roles";

    public static RuntimeRole Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return RuntimeRole.All;
        }

        var roles = RuntimeRole.None;
        foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A typo must not silently leave a piece unserved.
            if (!Enum.TryParse<RuntimeRole>(name, ignoreCase: true, out var role) || role is RuntimeRole.None || !Enum.IsDefined(role))
            {
                throw new InvalidOperationException($"Unknown role '{name}' in {Key}; expected a comma list of intake, classification, execution, timers, decisions (or all).");
            }

            roles |= role;
        }

        return roles;
    }
}
