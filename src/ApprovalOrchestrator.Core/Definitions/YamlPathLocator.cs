using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Finds the source line of a <see cref="DefinitionError"/> so an editor can show it where the author wrote it:
/// the error's path (<c>routes.amber.tiers[0].timeout</c>) is walked through YamlDotNet's node tree; when the path ends
/// at a key that is missing, the nearest existing parent is used. YAML syntax errors carry their line in the message.
/// </summary>
public static partial class YamlPathLocator
{
    /// <summary>1-based line of <paramref name="error"/> in <paramref name="source"/>, or null when it has no place (whole document).</summary>
    public static int? LineOf(string source, DefinitionError error)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(error);
        if (error.Path.Length == 0)
        {
            var m = SyntaxLine().Match(error.Message);
            return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }

        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(source));
            root = stream.Documents.FirstOrDefault()?.RootNode;
        }
        catch (YamlException)
        {
            return null;
        }

        return root is null ? null : Walk(root, Segments(error.Path));
    }

    private static int? Walk(YamlNode root, IEnumerable<object> segments)
    {
        var node = root;
        var line = (int)node.Start.Line;
        foreach (var segment in segments)
        {
            switch (segment, node)
            {
                case (string key, YamlMappingNode map):
                    var entry = map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key);
                    if (entry.Key is null)
                    {
                        return line;
                    }

                    // The key's line, not the value's: a block value starts on the line after its key.
                    line = (int)entry.Key.Start.Line;
                    node = entry.Value;
                    break;
                case (int index, YamlSequenceNode seq) when index < seq.Children.Count:
                    node = seq.Children[index];
                    line = (int)node.Start.Line;
                    break;
                default:
                    return line;
            }
        }

        return line;
    }

    /// <summary><c>a.b[2][0].c</c> → "a", "b", 2, 0, "c".</summary>
    private static IEnumerable<object> Segments(string path)
    {
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var key = bracket < 0 ? part : part[..bracket];
            if (key.Length > 0)
            {
                yield return key;
            }

            foreach (Match m in Index().Matches(bracket < 0 ? string.Empty : part[bracket..]))
            {
                yield return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Index();

    [GeneratedRegex(@"at line (\d+)")]
    private static partial Regex SyntaxLine();
}
