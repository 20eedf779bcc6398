using System.Globalization;

namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>Instants are stored as round-trip ISO-8601 UTC text, which also sorts correctly as text.</summary>
public static class Timestamps
{
    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
