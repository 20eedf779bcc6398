using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// Bounds what a definition source may make the parser build and walk, checked on the event stream before any node tree
/// exists: nesting (<see cref="MaxDepth"/>) and the number of nodes once every alias is expanded
/// (<see cref="MaxExpandedNodes"/>). A few kilobytes of nested aliases ("billion laughs") or of <c>[[[[…</c> (YAML or JSON)
/// are refused with the path where the budget ran out, instead of taking the server's time or stack.
/// Anchors and aliases stay allowed within the budget: authors use them to repeat tiers.
/// </summary>
internal static class YamlBudget
{
    /// <summary>The deepest nesting of mappings and sequences (aliases count at the depth they expand to).</summary>
    public const int MaxDepth = 64;

    /// <summary>The most nodes (scalars, mappings, sequences) the source may stand for once every alias is expanded.</summary>
    public const int MaxExpandedNodes = 100_000;

    /// <summary>The first budget the source exceeds, with its path; null when within budget (or not YAML: the parser says why).</summary>
    public static DefinitionError? Check(string source)
    {
        var parser = new Parser(new StringReader(source));
        var frames = new Stack<Frame>();
        // Per anchor: how many nodes it stands for and how many collection levels it spans.
        var anchors = new Dictionary<string, (long Size, int Depth)>(StringComparer.Ordinal);
        long count = 0;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current;
                if (current is MappingEnd or SequenceEnd)
                {
                    var closed = frames.Pop();
                    if (closed.Anchor is { } name)
                    {
                        anchors[name] = (count - closed.StartCount, closed.DeepestBelow + 1);
                    }

                    Deepen(frames, closed.DeepestBelow + 1);
                    continue;
                }

                if (current is not (NodeEvent or AnchorAlias))
                {
                    continue;
                }

                var path = NextPath(frames, current);
                if (current is AnchorAlias alias)
                {
                    var name = alias.Value.Value;
                    if (!anchors.TryGetValue(name, out var target))
                    {
                        return frames.Any(f => f.Anchor == name)
                            ? new DefinitionError(path, $"alias *{name} refers to a node that contains it; recursive aliases are not allowed")
                            : null; // an unknown anchor: the full parse reports it
                    }

                    count += target.Size;
                    if (count > MaxExpandedNodes)
                    {
                        return TooLarge(path, $"alias *{name} makes the definition");
                    }

                    if (frames.Count + target.Depth > MaxDepth)
                    {
                        return TooDeep(path, $"alias *{name} nests the definition");
                    }

                    Deepen(frames, target.Depth);
                    continue;
                }

                var node = (NodeEvent)current;
                count++;
                if (count > MaxExpandedNodes)
                {
                    return TooLarge(path, "the definition");
                }

                var anchor = node.Anchor.IsEmpty ? null : node.Anchor.Value;
                if (node is MappingStart or SequenceStart)
                {
                    if (frames.Count + 1 > MaxDepth)
                    {
                        return TooDeep(path, "the definition nests");
                    }

                    frames.Push(new Frame(path, node is MappingStart, anchor, count - 1));
                }
                else if (anchor is not null)
                {
                    anchors[anchor] = (1, 0);
                }
            }
        }
        catch (YamlException)
        {
            return null; // invalid YAML: the full parse reports where
        }

        return null;
    }

    private static void Deepen(Stack<Frame> frames, int levels)
    {
        if (frames.Count > 0)
        {
            frames.Peek().DeepestBelow = Math.Max(frames.Peek().DeepestBelow, levels);
        }
    }

    private static DefinitionError TooLarge(string path, string what) =>
        new(path, $"{what} larger than {MaxExpandedNodes} nodes once aliases are expanded (each use of an alias counts its whole node); refused");

    private static DefinitionError TooDeep(string path, string what) =>
        new(path, $"{what} deeper than {MaxDepth} levels of mappings and lists; refused");

    // The reader's path of the node about to start: mapping keys by name, sequence items by [index].
    private static string NextPath(Stack<Frame> frames, ParsingEvent node)
    {
        if (frames.Count == 0)
        {
            return string.Empty;
        }

        var frame = frames.Peek();
        if (!frame.IsMapping)
        {
            return $"{frame.Path}[{frame.Index++}]";
        }

        if (frame.ExpectKey)
        {
            frame.ExpectKey = false;
            frame.Key = node is Scalar s ? s.Value : "?";
            return frame.Path;
        }

        frame.ExpectKey = true;
        return YamlNodeReader.Join(frame.Path, frame.Key ?? "?");
    }

    private sealed class Frame(string path, bool isMapping, string? anchor, long startCount)
    {
        public string Path { get; } = path;

        public bool IsMapping { get; } = isMapping;

        /// <summary>The anchor this collection defines, if any, and the node count before it started.</summary>
        public string? Anchor { get; } = anchor;

        public long StartCount { get; } = startCount;

        public bool ExpectKey { get; set; } = true;

        public string? Key { get; set; }

        public int Index { get; set; }

        /// <summary>How many levels of collections lie below this one so far (0: none).</summary>
        public int DeepestBelow { get; set; }
    }
}
