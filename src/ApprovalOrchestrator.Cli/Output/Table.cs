using System.Text.Json;

namespace ApprovalOrchestrator.Cli.Output;

/// <summary>Plain aligned columns (no colours, no box drawing: the output pipes and greps cleanly).</summary>
public static class Table
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    /// <summary>"name: value" lines, names aligned.</summary>
    public static void WriteFields(TextWriter output, IEnumerable<(string Name, string Value)> fields)
    {
        var list = fields.ToList();
        var width = list.Max(f => f.Name.Length) + 1;
        foreach (var (name, value) in list)
        {
            output.WriteLine($"{(name + ":").PadRight(width)} {value}");
        }
    }

    public static void WriteJson(TextWriter output, JsonElement value) => output.WriteLine(JsonSerializer.Serialize(value, s_indented));

    public static string Clip(string? text, int max)
    {
        var line = string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }

    /// <summary>"2h 05m", "4m 10s", "overdue".</summary>
    public static string Left(long? seconds) => seconds switch
    {
        null => "-",
        <= 0 => "overdue",
        < 3600 => $"{seconds / 60}m {seconds % 60:00}s",
        < 86400 => $"{seconds / 3600}h {seconds % 3600 / 60:00}m",
        _ => $"{seconds / 86400}d {seconds % 86400 / 3600}h",
    };

    public static string Str(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            _ => value.GetRawText(),
        } : "";

    public static long? Long(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];
}
