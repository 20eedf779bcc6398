using System.Buffers;
using System.Data;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Storage;

namespace ApprovalOrchestrator.Runtime.Engine;

/// <summary>
/// The stored form of <c>instances.state</c>. JSON without the properties that are computed from others (a task's
/// approvers at its tier, a classification's matched rule ids and terms: nothing reads them back); on SQLite that JSON
/// is Brotli-compressed into a BLOB in the same column (<see cref="SqlDialect.CompressesState"/>), which takes a pending
/// request's row from one per 4 KB page to several. Reading accepts every form written so far: JSON text (every
/// earlier release, and PostgreSQL, where the text stays queryable and TOAST compresses long values itself) and the
/// compressed BLOB.
/// </summary>
internal static class InstanceState
{
    /// <summary>First byte of a compressed state: the format, so a later one can be told apart.</summary>
    private const byte BrotliJson = 1;

    // Quality 1 of 11, a 64 KB window: about 10 µs a write for a 2 KB state. Quality 5 saves another ~120 B (the page
    // still holds three pending rows) for five times the CPU; the default 4 MB window costs its allocation every write.
    private const int Quality = 1;
    private const int Window = 16;

    private static readonly JsonSerializerOptions s_options = Create();

    /// <summary>The value to store for <paramref name="instance"/> through <paramref name="connection"/>'s provider.</summary>
    public static object Encode(IDbConnection connection, WorkflowInstance instance) =>
        SqlDialect.Of(connection).CompressesState ? Compress(instance) : Serialize(instance);

    public static string Serialize(WorkflowInstance instance) => JsonSerializer.Serialize(instance, s_options);

    public static byte[] Compress(WorkflowInstance instance)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(instance, s_options);
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(json.Length) + 1);
        try
        {
            buffer[0] = BrotliJson;
            if (!BrotliEncoder.TryCompress(json, buffer.AsSpan(1), out var written, Quality, Window))
            {
                throw new InvalidOperationException("The instance state did not compress into its bound.");
            }

            return buffer.AsSpan(0, written + 1).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A stored state as read from the column: JSON text, or a compressed BLOB.</summary>
    public static WorkflowInstance Decode(object stored) => stored switch
    {
        string json => Json.Deserialize<WorkflowInstance>(json),
        _ => Json.Deserialize<WorkflowInstance>(Text(stored)),
    };

    /// <summary>The state's JSON text, whatever form it is stored in (for tools and tests that read the row).</summary>
    public static string Text(object stored) => stored switch
    {
        string json => json,
        byte[] { Length: > 0 } bytes when bytes[0] == BrotliJson => Decompress(bytes),
        byte[] bytes => throw new InvalidDataException($"Stored instance state of an unknown format ({(bytes.Length > 0 ? bytes[0] : -1)})."),
        _ => throw new InvalidDataException($"Stored instance state of an unexpected type {stored.GetType().Name}."),
    };

    private static string Decompress(byte[] bytes)
    {
        using var input = new MemoryStream(bytes, 1, bytes.Length - 1, writable: false);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(brotli, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static JsonSerializerOptions Create()
    {
        var resolver = (Json.Options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(static info =>
        {
            if (info.Kind != JsonTypeInfoKind.Object)
            {
                return;
            }

            // A property with neither a setter nor a constructor parameter is computed from the others: reading never
            // sets it, so writing it only repeats what is already there.
            for (var i = info.Properties.Count - 1; i >= 0; i--)
            {
                if (info.Properties[i] is { Set: null, AssociatedParameter: null })
                {
                    info.Properties.RemoveAt(i);
                }
            }
        });
        var options = new JsonSerializerOptions(Json.Options) { TypeInfoResolver = resolver };
        options.MakeReadOnly();
        return options;
    }
}
