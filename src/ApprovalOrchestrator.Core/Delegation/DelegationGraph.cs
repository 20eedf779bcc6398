using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Core.Delegation;

/// <summary>Delegation chains, resolved and checked without I/O: the shell passes the grants and the time.</summary>
public static class DelegationGraph
{
    /// <summary>
    /// The authorities <paramref name="actor"/> holds at <paramref name="now"/>: every person who delegated to them, directly
    /// or through a chain of grants all in force now. Each delegator appears once, with the shortest chain.
    /// </summary>
    public static IReadOnlyList<DelegatedAuthority> Resolve(string actor, IEnumerable<DelegationGrant> grants, DateTimeOffset now)
    {
        var active = grants.Where(g => g.ActiveAt(now)).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal) { actor };
        var result = new List<DelegatedAuthority>();
        var queue = new Queue<(string Person, IReadOnlyList<string> Chain)>();
        queue.Enqueue((actor, []));
        while (queue.Count > 0)
        {
            var (person, chain) = queue.Dequeue();
            foreach (var grant in active.Where(g => string.Equals(g.Delegate, person, StringComparison.Ordinal)).OrderBy(g => g.Delegator, StringComparer.Ordinal))
            {
                if (!seen.Add(grant.Delegator))
                {
                    continue;
                }

                IReadOnlyList<string> longer = [grant.Delegator, .. chain];
                result.Add(new DelegatedAuthority(grant.Delegator, grant.DelegatorGroups, longer));
                queue.Enqueue((grant.Delegator, longer));
            }
        }

        return result;
    }

    /// <summary>
    /// The cycle <paramref name="candidate"/> would close among the grants whose windows overlap its own, as the people on
    /// it (delegator first), or null when there is none. Expired grants cannot form a cycle: they no longer overlap.
    /// </summary>
    public static IReadOnlyList<string>? FindCycle(DelegationGrant candidate, IEnumerable<DelegationGrant> existing)
    {
        if (string.Equals(candidate.Delegator, candidate.Delegate, StringComparison.Ordinal))
        {
            return [candidate.Delegator, candidate.Delegate];
        }

        var edges = existing.Where(g => g.Overlaps(candidate.StartsAt, candidate.EndsAt))
            .GroupBy(g => g.Delegator, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Delegate).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        // A path from the new delegate back to the delegator closes the loop.
        var parent = new Dictionary<string, string?>(StringComparer.Ordinal) { [candidate.Delegate] = null };
        var queue = new Queue<string>([candidate.Delegate]);
        while (queue.Count > 0)
        {
            var person = queue.Dequeue();
            if (string.Equals(person, candidate.Delegator, StringComparison.Ordinal))
            {
                var path = new List<string>();
                for (string? p = person; p is not null; p = parent[p])
                {
                    path.Add(p);
                }

                path.Reverse();
                return [candidate.Delegator, .. path];
            }

            foreach (var next in edges.GetValueOrDefault(person) ?? [])
            {
                if (parent.TryAdd(next, person))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    }
}
