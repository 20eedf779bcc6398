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
    /// Separation of duties across delegation: the delegation chain that ties <paramref name="actor"/> to
    /// <paramref name="requester"/> (from the delegator who starts it to the actor), or null when the actor is independent
    /// of the requester. <paramref name="delegations"/> are the actor's authorities in force now (<see cref="Resolve"/>).
    /// The actor is tied when they are the requester, or when the requester appears anywhere on any chain into them: as a
    /// delegator, or as a link in the middle of someone else's chain. One tied path is enough, whatever other, clean paths
    /// the actor also holds: the requester chose to hand them authority, so they are not independent of the requester.
    /// </summary>
    public static IReadOnlyList<string>? TieToRequester(string requester, string actor, IReadOnlyList<DelegatedAuthority>? delegations)
    {
        if (string.Equals(actor, requester, StringComparison.Ordinal))
        {
            return [actor];
        }

        var tied = (delegations ?? [])
            .Where(d => string.Equals(d.Delegator, requester, StringComparison.Ordinal) || d.Chain.Contains(requester, StringComparer.Ordinal))
            // The fullest such chain: it shows where the authority came from as well as how it passed the requester.
            .OrderByDescending(d => d.Chain.Count)
            .ThenBy(d => d.Delegator, StringComparer.Ordinal)
            .FirstOrDefault();
        return tied is null ? null : FullChain(tied, actor);
    }

    /// <summary>
    /// Every requester whose tasks <paramref name="actor"/> may not see or act on: the same rule as
    /// <see cref="TieToRequester"/>, as a set, so the inbox query filters by exactly what a decision would refuse.
    /// </summary>
    public static IReadOnlySet<string> TiedRequesters(string actor, IReadOnlyList<DelegatedAuthority>? delegations)
    {
        var people = new HashSet<string>(StringComparer.Ordinal) { actor };
        foreach (var d in delegations ?? [])
        {
            people.Add(d.Delegator);
            people.UnionWith(d.Chain);
        }

        return people;
    }

    /// <summary>The whole chain of an authority: from its delegator, through every link, to the actor holding it.</summary>
    public static IReadOnlyList<string> FullChain(DelegatedAuthority authority, string actor) =>
        authority.Chain.Count > 0 && string.Equals(authority.Chain[^1], actor, StringComparison.Ordinal) ? authority.Chain : [.. authority.Chain, actor];

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
