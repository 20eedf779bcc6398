using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ApprovalOrchestrator.Runtime.Storage;

namespace ApprovalOrchestrator.Runtime.Requests;

/// <summary>
/// Where a keyset page ends: the last row's sort key (a stored timestamp: a task's due time, a request's receipt time)
/// and its id, which breaks ties. The next page is the rows strictly after it in the list's order, read from an index,
/// so rows inserted meanwhile never shift it (no duplicates, no gaps). On the wire it is opaque base64url; it carries no
/// authority: every page applies the caller's visibility again, so a forged cursor only moves where a list starts.
/// </summary>
public sealed record PageCursor(string Key, Guid Id)
{
    /// <summary>A cursor longer than this is not one of ours.</summary>
    public const int MaxLength = 128;

    private const string Version = "1";

    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Version}|{Key}|{Id:N}"));

    /// <summary>The cursor <paramref name="text"/> encodes, or null with the reason when it is not one this server issued.</summary>
    public static PageCursor? Decode(string text, out string? error)
    {
        error = "is not a cursor this API issued (pass back the \"next\" of the previous page unchanged).";
        if (text.Length is 0 or > MaxLength || !Base64Url.IsValid(text))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(text));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }

        // The key must be exactly a stored timestamp, so it compares with the column as the index orders it.
        if (decoded.Split('|') is not [Version, var key, var id]
            || !Guid.TryParseExact(id, "N", out var guid)
            || !DateTimeOffset.TryParse(key, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            || Timestamps.ToText(at) != key)
        {
            return null;
        }

        error = null;
        return new PageCursor(key, guid);
    }

    public static PageCursor After(DateTimeOffset key, Guid id) => new(Timestamps.ToText(key), id);
}

/// <summary>
/// Which page: the rows after <see cref="After"/> (keyset; the first page when null), or, for old clients, the rows after
/// skipping <see cref="Offset"/> (at most <see cref="MaxOffset"/>, since a database still reads every skipped row).
/// </summary>
public sealed record PageRequest(int Limit, PageCursor? After = null, int Offset = 0)
{
    public const int MaxOffset = 10_000;

    /// <summary>Totals are counted up to this many matches; past it <c>totalExact</c> is false (counting a million rows is a scan).</summary>
    public const int CountCap = 1000;

    public static PageRequest First(int limit) => new(limit);
}
