using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Core.Detection;

namespace ApprovalOrchestrator.Core.Guardrails;

/// <summary>
/// What the detectors find in a request: the text, every tool argument value (strings decoded, numbers as written) and
/// every argument name. Also scans the text and the values joined, so a value split across fields (<c>"a": "4111 1111",
/// "b": "1111 1111"</c>) is still seen; such a finding, and one in an argument name, cannot be replaced in place.
/// </summary>
internal sealed class RequestScan
{
    // A space between fields: digit groups join across it (a split card), words and addresses do not.
    private const char Separator = ' ';

    private RequestScan(IReadOnlyDictionary<string, int> counts, IReadOnlySet<string> found, IReadOnlySet<string> unplaceable)
    {
        Counts = counts;
        Found = found;
        Unplaceable = unplaceable;
    }

    /// <summary>Resolved findings per detector id, in place, plus those only the joined view shows.</summary>
    public IReadOnlyDictionary<string, int> Counts { get; }

    /// <summary>Every detector id with any raw match (overlaps included: a key inside a larger credential counts).</summary>
    public IReadOnlySet<string> Found { get; }

    /// <summary>Detector ids found where redaction cannot replace them: split across fields, or in an argument name.</summary>
    public IReadOnlySet<string> Unplaceable { get; }

    public static RequestScan Of(string text, JsonElement? args)
    {
        var fields = new List<(string Value, bool IsName)> { (text, false) };
        if (args is { } a)
        {
            Collect(a, fields);
        }

        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var unplaceable = new HashSet<string>(StringComparer.Ordinal);
        var joined = new StringBuilder();
        var segments = new List<(int Start, int End)>();
        foreach (var (value, isName) in fields)
        {
            var all = Scanner.ScanAll(value);
            foreach (var f in all)
            {
                found.Add(f.DetectorId);
                if (isName)
                {
                    unplaceable.Add(f.DetectorId);
                }
            }

            // Resolved from the same raw matches: one pass of the detectors per field.
            foreach (var f in Overlaps.Resolve(all))
            {
                counts[f.DetectorId] = counts.GetValueOrDefault(f.DetectorId) + 1;
            }

            // Values only: argument names between the pieces would keep a split value apart.
            if (isName)
            {
                continue;
            }

            if (joined.Length > 0)
            {
                joined.Append(Separator);
            }

            segments.Add((joined.Length, joined.Length + value.Length));
            joined.Append(value);
        }

        if (segments.Count > 1)
        {
            foreach (var f in Scanner.Scan(joined.ToString()))
            {
                if (!segments.Any(s => f.Start >= s.Start && f.End <= s.End))
                {
                    counts[f.DetectorId] = counts.GetValueOrDefault(f.DetectorId) + 1;
                    found.Add(f.DetectorId);
                    unplaceable.Add(f.DetectorId);
                }
            }
        }

        return new RequestScan(counts, found, unplaceable);
    }

    private static void Collect(JsonElement e, List<(string, bool)> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    into.Add((p.Name, true));
                    Collect(p.Value, into);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Collect(item, into);
                }

                break;
            case JsonValueKind.String:
                into.Add((e.GetString()!, false));
                break;
            case JsonValueKind.Number:
                into.Add((e.GetRawText(), false));
                break;
        }
    }
}
