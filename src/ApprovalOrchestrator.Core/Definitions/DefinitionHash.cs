using System.Security.Cryptography;
using System.Text;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Content hash of a definition source, stable across operating systems and editors:
/// line endings become \n and trailing whitespace on each line is dropped before hashing.
/// </summary>
public static class DefinitionHash
{
    /// <summary>"sha256:" + lowercase hex SHA-256 of the canonical source text (UTF-8).</summary>
    public static string Compute(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(Canonicalize(source)));
        return "sha256:" + Convert.ToHexStringLower(bytes);
    }

    /// <summary>The text that is hashed: no BOM, \n line endings, no trailing whitespace per line.</summary>
    public static string Canonicalize(string source)
    {
        var text = source.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return string.Join('\n', text.Split('\n').Select(line => line.TrimEnd()));
    }
}
