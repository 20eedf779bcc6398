using ApprovalOrchestrator.Core.Detection;

namespace ApprovalOrchestrator.Core.Tests.Detection;

/// <summary>What the scanner reports, as (detector id, matched text) pairs, so assertions read like the input.</summary>
internal static class DetectionKit
{
    public static IReadOnlyList<(string Id, string Value)> Found(string text) =>
        Scanner.Scan(text).Select(f => (f.DetectorId, text.Substring(f.Start, f.Length))).ToList();

    public static void AssertSingle(string text, string id, string value) =>
        Assert.Equal([(id, value)], Found(text));

    public static void AssertNone(string text) => Assert.Empty(Found(text));

    /// <summary>No finding of <paramref name="id"/> (others may be there).</summary>
    public static void AssertNo(string text, string id) => Assert.DoesNotContain(Found(text), f => f.Id == id);
}
