using System.Security.Cryptography;
using System.Text;

namespace ApprovalOrchestrator.Core.Workflow;

/// <summary>
/// Name-based ids (in the spirit of UUID v5, over SHA-256): the same instance and name always give the same id,
/// so a replayed transition opens the same task rather than a second one.
/// </summary>
public static class DeterministicId
{
    public static Guid Create(Guid scope, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(name.Length)];
        scope.TryWriteBytes(input);
        var length = 16 + Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..length], hash);
        var bytes = hash[..16].ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version nibble (little-endian Guid layout)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
