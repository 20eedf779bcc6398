namespace ApprovalOrchestrator.Server.Demo;

/// <summary>A titled, fixed-width table for the demo's terminal output (cells clipped, never wrapped).</summary>
public static class DemoTable
{
    public static void Write(TextWriter output, string title, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, int maxCell = 60)
    {
        var all = rows.Select(r => r.Select(c => Clip(c, maxCell)).ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        output.WriteLine();
        output.WriteLine($"== {title}");
        output.WriteLine(Line(headers, widths));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in all)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();

    public static string Clip(string? value, int length)
    {
        var flat = (value ?? "").ReplaceLineEndings(" ");
        return flat.Length <= length ? flat : flat[..(length - 1)] + "…";
    }
}
