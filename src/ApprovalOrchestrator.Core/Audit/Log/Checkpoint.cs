using System.Globalization;

namespace ApprovalOrchestrator.Core.Audit.Log;

/// <summary>
/// A C2SP tlog-checkpoint body: origin line, decimal tree size, base64 root hash, then extension lines; ours is
/// "time &lt;RFC 3339 UTC&gt;", when it was signed. Verifiers that do not know the extension may ignore it.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] Root, DateTimeOffset Time)
{
    private const string TimePrefix = "time ";

    public string Body() =>
        $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(Root)}\n{TimePrefix}{Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\n";

    public string Sign(NoteSigner signer) => SignedNote.Sign(Body(), signer);

    /// <summary>Opens a signed checkpoint: signature first (by a trusted key), then the body. Error says what failed.</summary>
    public static (Checkpoint? Checkpoint, NoteVerifier? SignedBy, string? Error) Open(string note, IReadOnlyList<NoteVerifier> verifiers)
    {
        var opened = SignedNote.Open(note, verifiers);
        if (!opened.Ok)
        {
            return (null, null, opened.Error);
        }

        var lines = opened.Text!.TrimEnd('\n').Split('\n');
        if (lines.Length < 3 || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return (null, null, "malformed checkpoint: expected origin, tree size and root hash lines");
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            return (null, null, "malformed checkpoint: the root hash is not base64");
        }

        if (root.Length != MerkleHash.Size)
        {
            return (null, null, "malformed checkpoint: the root hash is not 32 bytes");
        }

        var time = lines.Skip(3).FirstOrDefault(l => l.StartsWith(TimePrefix, StringComparison.Ordinal)) is { } t
            && DateTimeOffset.TryParse(t[TimePrefix.Length..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : DateTimeOffset.MinValue;
        return (new Checkpoint(lines[0], size, root, time), opened.SignedBy, null);
    }
}
