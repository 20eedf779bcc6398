namespace ApprovalOrchestrator.Runtime;

/// <summary>
/// The pieces a server process (a node) can run. Each is a consumer on its own queue, so pieces can scale out separately.
/// Not the roles of a person (submitter, approver, admin, auditor: <c>Application.Identity.UserRoles</c>).
/// </summary>
[Flags]
public enum NodeRole
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
/// Configuration key <c>Roles</c> (kept for compatibility; it names node roles): a comma list of <c>intake, classification, execution, timers, decisions</c>; all when unset.
/// Quartz (PostgreSQL), the outbox dispatcher and recovery run in every process regardless (they only write the database and
/// publish); on SQLite the one process that owns the file fires its timers itself (DueTimerService).
/// </summary>
public static class NodeRoles
{
    public const string Key = "Roles";

    public static NodeRole Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return NodeRole.All;
        }

        var roles = NodeRole.None;
        foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A typo must not silently leave a piece unserved.
            if (!Enum.TryParse<NodeRole>(name, ignoreCase: true, out var role) || role is NodeRole.None || !Enum.IsDefined(role))
            {
                throw new InvalidOperationException($"Unknown role '{name}' in {Key}; expected a comma list of intake, classification, execution, timers, decisions (or all).");
            }

            roles |= role;
        }

        return roles;
    }
}
