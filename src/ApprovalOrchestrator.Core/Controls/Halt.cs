namespace ApprovalOrchestrator.Core.Controls;

/// <summary>What a kill-switch halt stops: everything, one agent, or one tool.</summary>
public enum HaltScope
{
    All,
    Agent,
    Tool,
}

/// <summary>
/// A kill-switch halt in force: nothing it covers starts executing until it is lifted. <see cref="Target"/> is the agent id
/// or tool name (null for <see cref="HaltScope.All"/>).
/// </summary>
public sealed record Halt(string Id, HaltScope Scope, string? Target, string Reason, string By, DateTimeOffset Since)
{
    /// <summary>
    /// Whether this halt covers a request that would call <paramref name="agents"/> (the request's agent and the route's,
    /// when it sets one) with <paramref name="tool"/> (null for a chat request). Names compare ignoring case: a name that
    /// differs only in case may well reach the same agent or tool, and halting too much is the safe side.
    /// </summary>
    public bool Covers(IReadOnlyCollection<string> agents, string? tool) => Scope switch
    {
        HaltScope.All => true,
        HaltScope.Agent => Target is not null && agents.Contains(Target, StringComparer.OrdinalIgnoreCase),
        HaltScope.Tool => Target is not null && string.Equals(tool, Target, StringComparison.OrdinalIgnoreCase),
        _ => true, // an unknown scope fails closed: it halts
    };

    /// <summary>The oldest of <paramref name="halts"/> that covers the request, or null.</summary>
    public static Halt? FirstCovering(IEnumerable<Halt> halts, IReadOnlyCollection<string> agents, string? tool) =>
        halts.OrderBy(h => h.Since).ThenBy(h => h.Id, StringComparer.Ordinal).FirstOrDefault(h => h.Covers(agents, tool));
}

public static class HaltScopeExtensions
{
    public static string ToWire(this HaltScope scope) => scope switch
    {
        HaltScope.All => "all",
        HaltScope.Agent => "agent",
        HaltScope.Tool => "tool",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };

    public static bool TryParseWire(string? value, out HaltScope scope)
    {
        foreach (var candidate in Enum.GetValues<HaltScope>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.Ordinal))
            {
                scope = candidate;
                return true;
            }
        }

        scope = default;
        return false;
    }
}
