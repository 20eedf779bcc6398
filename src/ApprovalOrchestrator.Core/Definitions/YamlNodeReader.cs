using System.Globalization;
using System.Xml;
using YamlDotNet.RepresentationModel;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Typed access to YAML nodes that records an error (with its path) instead of throwing,
/// so one pass reports every problem. On error the accessors return null.
/// </summary>
internal sealed class YamlNodeReader
{
    private readonly List<DefinitionError> _errors = [];
    private readonly List<DefinitionError> _warnings = [];

    public YamlNodeReader(GroupDirectory? groups = null) => Groups = groups ?? GroupDirectory.None;

    public IReadOnlyList<DefinitionError> Errors => _errors;

    /// <summary>Problems that do not make the definition invalid (it can still be published).</summary>
    public IReadOnlyList<DefinitionError> Warnings => _warnings;

    /// <summary>The directory of approver groups the definition is checked against.</summary>
    public GroupDirectory Groups { get; }

    public void Error(string path, string message) => _errors.Add(new DefinitionError(path, message));

    /// <summary>True once a limit refused part of the source (see <see cref="Refuse"/>).</summary>
    public bool Refused { get; private set; }

    /// <summary>An error that is a limit, not a mistake: the whole source is refused (422 everywhere, never stored as a draft).</summary>
    public void Refuse(string path, string message)
    {
        Refused = true;
        Error(path, message);
    }

    public void Warning(string path, string message) => _warnings.Add(new DefinitionError(path, message));

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>The mapping's entries by key; unknown keys are reported. Null when the node is not a mapping.</summary>
    public Dictionary<string, YamlNode>? Mapping(YamlNode node, string path, params string[] allowedKeys)
    {
        if (node is not YamlMappingNode map)
        {
            Error(path, "expected a mapping");
            return null;
        }

        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            if (key is null)
            {
                Error(path, "keys must be plain strings");
            }
            else if (!allowedKeys.Contains(key, StringComparer.Ordinal))
            {
                Error(Join(path, key), $"unknown key '{key}'; expected one of: {string.Join(", ", allowedKeys)}");
            }
            else
            {
                entries[key] = value;
            }
        }

        return entries;
    }

    /// <summary>The sequence's items, or null (with an error) when the node is not a sequence.</summary>
    public IReadOnlyList<YamlNode>? Sequence(YamlNode node, string path)
    {
        if (node is YamlSequenceNode seq)
        {
            return seq.Children.ToList();
        }

        Error(path, "expected a list");
        return null;
    }

    /// <summary>The child node, or null with a "required" error when absent or explicitly null.</summary>
    public YamlNode? Required(Dictionary<string, YamlNode> map, string key, string path)
    {
        var node = Optional(map, key);
        if (node is null)
        {
            Error(Join(path, key), "is required");
        }

        return node;
    }

    public static YamlNode? Optional(Dictionary<string, YamlNode> map, string key) =>
        map.TryGetValue(key, out var node) && !IsNull(node) ? node : null;

    public string? String(YamlNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } value } && value.Trim().Length > 0)
        {
            return value;
        }

        Error(path, node is YamlScalarNode ? "must not be empty" : "expected a text value");
        return null;
    }

    public string? RequiredString(Dictionary<string, YamlNode> map, string key, string path) =>
        String(Required(map, key, path), Join(path, key));

    public T? Enum<T>(YamlNode? node, string path, string what, IReadOnlyDictionary<string, T> names)
        where T : struct
    {
        var text = String(node, path);
        if (text is null)
        {
            return null;
        }

        if (names.TryGetValue(text, out var value))
        {
            return value;
        }

        Error(path, $"unknown {what} '{text}'; expected one of: {string.Join(", ", names.Keys)}");
        return null;
    }

    public double? Double(YamlNode? node, string path)
    {
        var text = String(node, path);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(path, $"'{text}' is not a number");
        return null;
    }

    public int? Int(YamlNode? node, string path)
    {
        var text = String(node, path);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(path, $"'{text}' is not a whole number");
        return null;
    }

    /// <summary>An ISO-8601 duration (PT4H, PT1S, P1D) that must be positive.</summary>
    public TimeSpan? Duration(YamlNode? node, string path)
    {
        var text = String(node, path);
        if (text is null)
        {
            return null;
        }

        TimeSpan value;
        try
        {
            value = XmlConvert.ToTimeSpan(text.Trim());
        }
        catch (FormatException)
        {
            Error(path, $"'{text}' is not an ISO-8601 duration (e.g. PT4H, PT30M, P1D)");
            return null;
        }
        catch (OverflowException)
        {
            Error(path, $"'{text}' is too long a duration");
            return null;
        }

        if (value <= TimeSpan.Zero)
        {
            Error(path, $"'{text}' must be longer than zero");
            return null;
        }

        return value;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };
}
