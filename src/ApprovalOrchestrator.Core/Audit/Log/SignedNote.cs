using System.Buffers.Binary;
using System.Text;

namespace ApprovalOrchestrator.Core.Audit.Log;

/// <summary>
/// The C2SP signed-note format: the text (UTF-8, ending in a newline), a blank line, then one line per signature,
/// "— name base64(key id (4 bytes, big-endian) ‖ signature)". The signature covers the text bytes exactly.
/// </summary>
public static class SignedNote
{
    private const string Dash = "\u2014 ";

    public static string Sign(string text, NoteSigner signer)
    {
        ValidateText(text);
        var signature = signer.Sign(Encoding.UTF8.GetBytes(text));
        var blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, signer.KeyId);
        signature.CopyTo(blob, 4);
        return $"{text}\n{Dash}{signer.Name} {Convert.ToBase64String(blob)}\n";
    }

    /// <summary>
    /// Splits a note and checks it carries a valid signature by one of <paramref name="verifiers"/>. Returns the text and
    /// the verifier that signed it, or the reason it is refused (unknown key, bad signature, malformed).
    /// </summary>
    public static NoteOpening Open(string note, IReadOnlyList<NoteVerifier> verifiers)
    {
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            return NoteOpening.Refused("malformed note: no blank line before the signatures");
        }

        var text = note[..(split + 1)];
        var lines = note[(split + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return NoteOpening.Refused("the note has no signature");
        }

        var message = Encoding.UTF8.GetBytes(text);
        var seen = new List<string>();
        foreach (var line in lines)
        {
            if (!line.StartsWith(Dash, StringComparison.Ordinal) || line[Dash.Length..].Split(' ') is not [var name, var encoded])
            {
                return NoteOpening.Refused($"malformed signature line '{line}'");
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                return NoteOpening.Refused($"signature by {name} is not base64");
            }

            if (blob.Length < 5)
            {
                return NoteOpening.Refused($"signature by {name} is too short");
            }

            var id = BinaryPrimitives.ReadUInt32BigEndian(blob);
            seen.Add($"{name} (key id {NoteKeys.KeyIdText(id)})");
            foreach (var verifier in verifiers.Where(v => v.Name == name && v.KeyId == id))
            {
                return verifier.Verify(message, blob.AsSpan(4))
                    ? new NoteOpening(text, verifier, null)
                    : NoteOpening.Refused($"bad signature: the signature by {name} (key id {NoteKeys.KeyIdText(id)}) does not match the note text");
            }
        }

        return NoteOpening.Refused($"wrong key: signed by {string.Join(", ", seen)}, none of them a trusted key ({string.Join(", ", verifiers.Select(v => $"{v.Name} {NoteKeys.KeyIdText(v.KeyId)}"))})");
    }

    private static void ValidateText(string text)
    {
        if (!text.EndsWith('\n') || text.Contains("\n\n", StringComparison.Ordinal) || text.Any(c => char.IsControl(c) && c != '\n'))
        {
            throw new FormatException("Note text must end in a newline and have no blank lines or control characters.");
        }
    }
}

/// <summary>The outcome of <see cref="SignedNote.Open"/>: the signed text and who signed, or why it was refused.</summary>
public sealed record NoteOpening(string? Text, NoteVerifier? SignedBy, string? Error)
{
    public bool Ok => Error is null;

    public static NoteOpening Refused(string error) => new(null, null, error);
}
