using System.Security.Cryptography;
using System.Text.Json;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>
/// A Gateway response body read with a size cap: the first <c>cap</c> bytes are kept, the whole body is counted and
/// hashed (SHA-256) as it streams by, so what is stored and published stays bounded and still identifies what came.
/// </summary>
internal sealed record CappedBody(byte[] Kept, long SizeBytes, string Sha256, bool Truncated)
{
    /// <summary>Bytes of a truncated body kept as text in the stored marker, to help a person recognise it.</summary>
    public const int PreviewBytes = 1024;

    public static async Task<CappedBody> ReadAsync(HttpContent content, int cap, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var kept = new MemoryStream();
        // Pooled: a fresh 80 KB buffer per call was the largest allocation of a whole green workflow.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        long size = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                var room = (int)Math.Min(read, Math.Max(0, cap - kept.Length));
                kept.Write(buffer, 0, room);
                size += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return new CappedBody(kept.ToArray(), size, "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), size > cap);
    }

    /// <summary>What is stored instead of a body over the cap: a marker, the real size and hash, and a short preview.</summary>
    public JsonElement Marker(int cap) => JsonSerializer.SerializeToElement(new Dictionary<string, object>
    {
        ["truncated"] = true,
        ["sizeBytes"] = SizeBytes,
        ["capBytes"] = cap,
        ["sha256"] = Sha256,
        ["preview"] = System.Text.Encoding.UTF8.GetString(Kept, 0, Math.Min(Kept.Length, PreviewBytes)),
    });
}
