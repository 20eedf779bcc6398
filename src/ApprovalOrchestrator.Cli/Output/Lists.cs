namespace ApprovalOrchestrator.Cli.Output;

public static class Lists
{
    /// <summary>"a,b" "c" → [a, b, c]: options that take names accept commas, repetition, or both.</summary>
    public static string[] Split(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToArray();
}
