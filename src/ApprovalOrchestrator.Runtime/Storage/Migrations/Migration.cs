using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Runtime.Storage.Migrations;

/// <summary>
/// One numbered, forward-only schema step: <c>NNNN_name.sql</c>, embedded per provider under
/// <c>migrations/&lt;provider&gt;/</c>. Its checksum is recorded when applied, so a step edited after release is caught
/// at start-up instead of silently diverging between databases.
/// </summary>
public sealed partial record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    /// <summary>Every migration of <paramref name="provider"/>, in order; numbers must be 1, 2, 3… without gaps.</summary>
    public static IReadOnlyList<Migration> Load(string provider, Assembly? assembly = null)
    {
        assembly ??= typeof(Migration).Assembly;
        var prefix = $"migrations/{provider}/";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var match = FileName().Match(resource[prefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration resource '{resource}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            list.Add(new Migration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new InvalidOperationException($"The {provider} migrations are not numbered 1..{list.Count} without gaps (found {list[i].Version} at position {i + 1}).");
            }
        }

        return list;
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();
}

/// <summary>The database and this build disagree about the schema: never start on it.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);
