namespace ApprovalOrchestrator.Runtime.Storage.Migrations;

/// <summary>A migration already recorded in a database's <c>schema_version</c> table.</summary>
public sealed record AppliedMigration(int Version, string Name, string Checksum);

/// <summary>What to run on a database, given what it has applied (pure: the same rule for every provider).</summary>
public static class MigrationPlan
{
    /// <summary>The migrations still to apply, in order; throws when the database is newer than this build or a step changed.</summary>
    public static IReadOnlyList<Migration> Pending(IReadOnlyList<Migration> known, IReadOnlyCollection<AppliedMigration> applied)
    {
        var byVersion = known.ToDictionary(m => m.Version);
        foreach (var done in applied.OrderBy(a => a.Version))
        {
            if (!byVersion.TryGetValue(done.Version, out var mine))
            {
                throw new SchemaMismatchException(
                    $"The database is at schema version {applied.Max(a => a.Version)}, newer than this build knows ({known.Count}): run the newer release, or restore a backup taken before the upgrade.");
            }

            if (!string.Equals(mine.Checksum, done.Checksum, StringComparison.Ordinal))
            {
                throw new SchemaMismatchException(
                    $"Migration {done.Version:0000}_{done.Name} differs from the one applied to this database (recorded checksum {Short(done.Checksum)}, this build's {Short(mine.Checksum)}): released migrations must never be edited; add a new one.");
            }
        }

        var highest = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        return known.Where(m => m.Version > highest).ToList();
    }

    private static string Short(string checksum) => checksum.Length > 12 ? checksum[..12] + "…" : checksum;
}
