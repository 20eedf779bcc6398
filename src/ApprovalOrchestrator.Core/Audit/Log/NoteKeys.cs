using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace ApprovalOrchestrator.Core.Audit.Log;

/// <summary>
/// Ed25519 keys in the C2SP signed-note encodings (golang.org/x/mod/sumdb/note): key id = the first 4 bytes of
/// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key); verifier key "name+hex(id)+base64(0x01 ‖ public key)"; signer key
/// "PRIVATE+KEY+name+hex(id)+base64(0x01 ‖ seed)". NSec (libsodium) because .NET 10's System.Security.Cryptography
/// has no Ed25519 type (only ML-DSA composites that name it).
/// </summary>
public static class NoteKeys
{
    public const byte Ed25519Type = 0x01;
    private const string PrivatePrefix = "PRIVATE+KEY+";

    public static uint KeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var material = new byte[Encoding.UTF8.GetByteCount(name) + 2 + publicKey.Length];
        var written = Encoding.UTF8.GetBytes(name, material);
        material[written] = 0x0A;
        material[written + 1] = Ed25519Type;
        publicKey.CopyTo(material.AsSpan(written + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(material));
    }

    public static string KeyIdText(uint keyId) => keyId.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>Checks a key name as the note spec requires: non-empty, no whitespace, no '+'.</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && !name.Contains('+', StringComparison.Ordinal) && !name.Any(char.IsWhiteSpace) && !name.Any(char.IsControl);

    public static NoteSigner GenerateSigner(string name, ReadOnlySpan<byte> seed) => new(name, seed.ToArray());

    public static NoteSigner ParseSigner(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith(PrivatePrefix, StringComparison.Ordinal))
        {
            throw new FormatException("A signer key starts with PRIVATE+KEY+.");
        }

        var (name, id, key) = Split(trimmed[PrivatePrefix.Length..], "signer key");
        var signer = new NoteSigner(name, key);
        return signer.KeyId == id ? signer : throw new FormatException("The signer key's id does not match its name and key.");
    }

    public static NoteVerifier ParseVerifier(string text)
    {
        var (name, id, key) = Split(text.Trim(), "verifier key");
        var verifier = new NoteVerifier(name, key);
        return verifier.KeyId == id ? verifier : throw new FormatException($"The verifier key for {name} has id {KeyIdText(id)}, but its name and key give {KeyIdText(verifier.KeyId)}.");
    }

    private static (string Name, uint Id, byte[] Key) Split(string text, string what)
    {
        var parts = text.Split('+', 3); // base64 may itself contain '+'
        if (parts.Length != 3 || !IsValidName(parts[0]) || parts[1].Length != 8
            || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
        {
            throw new FormatException($"A {what} reads name+hex8+base64.");
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            throw new FormatException($"The {what}'s key is not base64.");
        }

        if (blob.Length != 33 || blob[0] != Ed25519Type)
        {
            throw new FormatException($"The {what} is not an Ed25519 key (type 0x01, 32 bytes).");
        }

        return (parts[0], id, blob[1..]);
    }
}

/// <summary>An Ed25519 verifier: a key name, its id and public key.</summary>
public sealed class NoteVerifier
{
    private readonly PublicKey _key;

    public NoteVerifier(string name, byte[] publicKey)
    {
        if (!NoteKeys.IsValidName(name))
        {
            throw new FormatException($"'{name}' is not a valid key name.");
        }

        Name = name;
        PublicKey = publicKey;
        KeyId = NoteKeys.KeyId(name, publicKey);
        _key = NSec.Cryptography.PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey);
    }

    public string Name { get; }

    public uint KeyId { get; }

    public byte[] PublicKey { get; }

    /// <summary>"name+hex(id)+base64(0x01 ‖ public key)".</summary>
    public string VerifierKey => $"{Name}+{NoteKeys.KeyIdText(KeyId)}+{Convert.ToBase64String([NoteKeys.Ed25519Type, .. PublicKey])}";

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureAlgorithm.Ed25519.SignatureSize && SignatureAlgorithm.Ed25519.Verify(_key, message, signature);
}

/// <summary>An Ed25519 signer. Holds the private seed: never log it, never serialize it except to its 0600 file.</summary>
public sealed class NoteSigner : IDisposable
{
    private readonly Key _key;
    private readonly byte[] _seed;

    public NoteSigner(string name, byte[] seed)
    {
        if (seed.Length != 32)
        {
            throw new FormatException("An Ed25519 seed is 32 bytes.");
        }

        _seed = seed;
        _key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        Verifier = new NoteVerifier(name, _key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public NoteVerifier Verifier { get; }

    public string Name => Verifier.Name;

    public uint KeyId => Verifier.KeyId;

    /// <summary>"PRIVATE+KEY+name+hex(id)+base64(0x01 ‖ seed)": the text of the key file.</summary>
    public string SignerKey => $"PRIVATE+KEY+{Name}+{NoteKeys.KeyIdText(KeyId)}+{Convert.ToBase64String([NoteKeys.Ed25519Type, .. _seed])}";

    public byte[] Sign(ReadOnlySpan<byte> message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    public void Dispose() => _key.Dispose();

    public override string ToString() => Verifier.VerifierKey; // never the seed
}
