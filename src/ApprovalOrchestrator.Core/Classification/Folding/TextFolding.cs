namespace ApprovalOrchestrator.Core.Classification.Folding;

/// <summary>
/// Where the Unicode data that folds request text comes from, and whether it is usable here. Hosts call
/// <see cref="EnsureAvailable"/> at startup so a machine without the pinned ICU refuses to start instead of classifying.
/// </summary>
public static class TextFolding
{
    /// <summary>True when ICU is bound and text can be folded.</summary>
    public static bool IsAvailable => IcuLibrary.Problem is null;

    /// <summary>Why folding cannot run, or null.</summary>
    public static string? Problem => IcuLibrary.Problem;

    /// <summary>"ICU 72.1, Unicode 15.0.0" — recorded in readiness so two machines can be compared.</summary>
    public static string DataVersion => IsAvailable ? $"ICU {IcuLibrary.IcuVersion}, Unicode {IcuLibrary.UnicodeVersion}" : "unavailable";

    /// <summary>Throws <see cref="TextFoldingUnavailableException"/> when folding cannot run.</summary>
    public static void EnsureAvailable()
    {
        if (IcuLibrary.Problem is { } problem)
        {
            throw new TextFoldingUnavailableException($"Request text cannot be folded for classification: {problem}.");
        }
    }
}
