using System.Text;
using ApprovalOrchestrator.Core.Audit.Log;

namespace ApprovalOrchestrator.Core.Tests.Audit.Log;

public sealed class SignedNoteTests
{
    private static readonly byte[] Seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Key_id_is_the_first_four_bytes_of_sha256_of_name_newline_type_and_key()
    {
        using var signer = NoteKeys.GenerateSigner("example.com/log", Seed);
        var material = Encoding.UTF8.GetBytes("example.com/log\n").Concat(new byte[] { 0x01 }).Concat(signer.Verifier.PublicKey).ToArray();
        var expected = System.Security.Cryptography.SHA256.HashData(material)[..4];
        Assert.Equal(Convert.ToHexStringLower(expected), NoteKeys.KeyIdText(signer.KeyId));
        Assert.Equal($"example.com/log+{Convert.ToHexStringLower(expected)}+{Convert.ToBase64String([0x01, .. signer.Verifier.PublicKey])}", signer.Verifier.VerifierKey);
    }

    [Fact]
    public void Signer_and_verifier_keys_round_trip_through_their_text()
    {
        using var signer = NoteKeys.GenerateSigner("ao/log", Seed);
        using var again = NoteKeys.ParseSigner(signer.SignerKey);
        Assert.Equal(signer.Verifier.VerifierKey, again.Verifier.VerifierKey);
        Assert.Equal(signer.Verifier.VerifierKey, NoteKeys.ParseVerifier(signer.Verifier.VerifierKey).VerifierKey);
        Assert.DoesNotContain(Convert.ToBase64String(Seed), signer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_has_the_tlog_checkpoint_body_and_an_em_dash_signature_line()
    {
        using var signer = NoteKeys.GenerateSigner("ao/log", Seed);
        var root = MerkleHash.Leaf([1]);
        var note = new Checkpoint("ao/log", 42, root, new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero)).Sign(signer);
        var lines = note.Split('\n');
        Assert.Equal(["ao/log", "42", Convert.ToBase64String(root), "time 2026-12-02T10:00:00Z", ""], lines[..5]);
        Assert.StartsWith("\u2014 ao/log ", lines[5], StringComparison.Ordinal);
        var blob = Convert.FromBase64String(lines[5].Split(' ')[2]);
        Assert.Equal(4 + 64, blob.Length);
        Assert.Equal(NoteKeys.KeyIdText(signer.KeyId), Convert.ToHexStringLower(blob[..4]));

        var (opened, by, error) = Checkpoint.Open(note, [signer.Verifier]);
        Assert.Null(error);
        Assert.Equal(42, opened!.Size);
        Assert.Equal(root, opened.Root);
        Assert.Equal(signer.KeyId, by!.KeyId);
    }

    [Fact]
    public void A_note_signed_by_another_key_is_refused_as_wrong_key()
    {
        using var signer = NoteKeys.GenerateSigner("ao/log", Seed);
        using var other = NoteKeys.GenerateSigner("ao/log", Enumerable.Repeat((byte)9, 32).ToArray());
        var note = new Checkpoint("ao/log", 1, MerkleHash.Empty, DateTimeOffset.UnixEpoch).Sign(other);
        Assert.StartsWith("wrong key", Checkpoint.Open(note, [signer.Verifier]).Error);
    }

    [Fact]
    public void A_note_whose_text_was_edited_is_refused_as_bad_signature()
    {
        using var signer = NoteKeys.GenerateSigner("ao/log", Seed);
        var note = new Checkpoint("ao/log", 10, MerkleHash.Empty, DateTimeOffset.UnixEpoch).Sign(signer);
        Assert.StartsWith("bad signature", Checkpoint.Open(note.Replace("\n10\n", "\n11\n", StringComparison.Ordinal), [signer.Verifier]).Error);
    }

    [Fact]
    public void Unsigned_and_malformed_notes_are_refused()
    {
        using var signer = NoteKeys.GenerateSigner("ao/log", Seed);
        Assert.False(SignedNote.Open("ao/log\n1\nAAAA\n", [signer.Verifier]).Ok);
        Assert.False(SignedNote.Open("ao/log\n1\nAAAA\n\n- ao/log AAAA\n", [signer.Verifier]).Ok);
        Assert.False(SignedNote.Open("ao/log\n1\nAAAA\n\n\u2014 ao/log !!!\n", [signer.Verifier]).Ok);
        Assert.Throws<FormatException>(() => NoteKeys.ParseVerifier("ao/log+00000000+" + Convert.ToBase64String([0x01, .. signer.Verifier.PublicKey])));
    }
}
