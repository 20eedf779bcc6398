namespace ApprovalOrchestrator.Cli.Definitions;

/// <summary>Plain-text columns, padded to the widest cell; the last column is never padded.</summary>
internal static class Table
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    /// <summary>"sha256:abcdef012345" — enough to tell versions apart in a table.</summary>
    public static string ShortHash(string? hash) => hash is { Length: > 19 } ? hash[..19] : hash ?? "";
}
